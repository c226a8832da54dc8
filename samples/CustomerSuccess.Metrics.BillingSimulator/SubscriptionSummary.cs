namespace CustomerSuccess.Metrics.BillingSimulator;

/// <summary>What a subscriber heard: ARR changes of days that had no movement, and restatements of movements heard before.</summary>
public sealed record SubscriptionSummary(long Changes, long Restatements, long Skipped)
{
    public long Heard => Changes + Restatements;
}
