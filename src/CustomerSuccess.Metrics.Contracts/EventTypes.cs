namespace CustomerSuccess.Metrics.Contracts.V1;

/// <summary>The <c>type</c> of each published event, as it appears in the JSON.</summary>
public static class EventTypes
{
    public const string Signed = "contract.signed";
    public const string CrossSold = "contract.cross_sold";
    public const string Upsold = "contract.upsold";
    public const string Downsold = "contract.downsold";
    public const string Renewed = "contract.renewed";
    public const string Churned = "contract.churned";
    public const string Voided = "event.voided";
    public const string RetentionCost = "retention_cost.recorded";

    /// <summary>Every type the engine accepts.</summary>
    public static readonly IReadOnlyList<string> All =
        [Signed, CrossSold, Upsold, Downsold, Renewed, Churned, Voided, RetentionCost];
}
