namespace CustomerSuccess.Metrics.Ledger;

public static class StreamKeys
{
    /// <summary>Retention spend is not a customer's; '~' cannot appear in a customer id, so this never collides.</summary>
    public const string RetentionCosts = "~retention-costs";
}
