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
    public const string NpsAnswered = "survey.nps_answered";
    public const string CsatAnswered = "survey.csat_answered";
    public const string UsageReported = "usage.reported";
    public const string EngagementRecorded = "engagement.recorded";
    public const string RiskFlagged = "risk.flagged";
    public const string RiskCleared = "risk.cleared";
    public const string CustomerAssigned = "customer.assigned";

    /// <summary>Every type the engine accepts.</summary>
    public static readonly IReadOnlyList<string> All =
        [Signed, CrossSold, Upsold, Downsold, Renewed, Churned, Voided, RetentionCost,
         NpsAnswered, CsatAnswered, UsageReported, EngagementRecorded, RiskFlagged, RiskCleared, CustomerAssigned];
}
