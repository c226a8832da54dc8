namespace CustomerSuccess.Metrics.Contracts.V1;

/// <summary>The kinds of ARR movement, as the engine's bridge names them.</summary>
public static class MovementKinds
{
    public const string New = "new";
    public const string Expansion = "expansion";
    public const string Contraction = "contraction";
    public const string Churn = "churn";
    public const string Reactivation = "reactivation";
}

/// <summary>
/// Published by the engine (on the exchange <see cref="Messaging.IntegrationEventsExchange"/>) when a recorded event
/// moves a customer's ARR on a day: the movement's kind, the customer's ARR on that day before and after, and the
/// events behind it, as known at <see cref="RecordedAt"/>.
/// </summary>
public sealed record CustomerArrChanged(
    string CustomerId, string? Segment, DateOnly EffectiveDate, string Movement, decimal ArrBefore, decimal ArrAfter,
    IReadOnlyList<string> EventIds, DateTimeOffset RecordedAt);

/// <summary>
/// Published when a backdated event or a void changes a day's movement that was already published: what was
/// believed before (<see cref="Replaces"/>, null when the day had no movement) and what is known now
/// (<see cref="Current"/>, null when the movement is gone).
/// </summary>
public sealed record CustomerArrRestated(
    string CustomerId, DateOnly EffectiveDate, CustomerArrChanged? Replaces, CustomerArrChanged? Current, DateTimeOffset RecordedAt);
