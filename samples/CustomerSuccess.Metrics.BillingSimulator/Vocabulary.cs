namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>The words the simulated billing system uses.</summary>
internal static class Vocabulary
{
    public const string Smb = "smb";
    public const string MidMarket = "mid_market";
    public const string Enterprise = "enterprise";

    /// <summary>Every customer signs the first; the others are cross-sold.</summary>
    public static readonly string[] Products = ["platform", "analytics", "automation", "api_access", "premium_support"];

    public static readonly string[] Csms = ["amara", "bruno", "chen", "dolores", "emeka", "freya", "goran", "hiro"];

    public static readonly string[] NameStarts = ["North", "Blue", "Silver", "Bright", "Red", "Oak", "Summit", "Harbor", "Iron", "Clear", "Lumen", "Cedar"];

    public static readonly string[] NameEnds = ["field", "stone", "wave", "leaf", "point", "bridge", "path", "forge", "light", "works", "mark", "gate"];

    public static readonly string[] CompanyForms = ["Ltd", "Inc", "GmbH", "LLC", "AB", "SAS", "BV"];

    public static readonly string[] ChurnReasons =
        ["budget cut", "moved to a competitor", "low adoption", "acquired", "business closed", "product fit"];

    public static readonly string[] CostCategories = ["cs_team", "onboarding", "tooling", "programs"];
}
