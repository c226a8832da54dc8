using NodaTime;

namespace CustomerSuccess.Metrics.Events;

/// <summary>
/// A customer-success signal about one customer on an effective date: a survey answer, a usage report, a touch, a risk
/// or an assignment. Signals do not move ARR; they are kept bitemporally beside it and voided like any event.
/// </summary>
public interface ISignalEvent : IPublishedEvent
{
    string CustomerId { get; }

    LocalDate EffectiveDate { get; }
}

/// <summary>A respondent's answer to "how likely are you to recommend us", 0 to 10.</summary>
public sealed record NpsAnswered(
    string EventId, string CustomerId, LocalDate EffectiveDate, string RespondentId, int Score, string? Comment) : ISignalEvent;

/// <summary>A respondent's satisfaction with one topic (such as a support ticket), on the scale <c>1-5</c> or <c>1-100</c>.</summary>
public sealed record CsatAnswered(
    string EventId, string CustomerId, LocalDate EffectiveDate, string RespondentId, int Score, string Scale, string? Topic) : ISignalEvent;

/// <summary>
/// Usage of the product on the day <see cref="EffectiveDate"/>, or over the period from <see cref="PeriodStartDate"/> to it:
/// seats licensed, users active, logins and the named features used.
/// </summary>
public sealed record UsageReported(
    string EventId, string CustomerId, LocalDate EffectiveDate, LocalDate? PeriodStartDate, int LicensedSeats, int ActiveUsers, long? Logins,
    IReadOnlyList<string>? Features) : ISignalEvent;

/// <summary>A touch with the customer (a QBR, a training, a check-in...), with who from the vendor took part.</summary>
public sealed record EngagementRecorded(
    string EventId, string CustomerId, LocalDate EffectiveDate, string Kind, IReadOnlyList<string>? Participants, string? Note) : ISignalEvent;

/// <summary>A named risk factor (such as <c>champion_left</c>) is open on the customer from the effective date, at a severity.</summary>
public sealed record RiskFlagged(
    string EventId, string CustomerId, LocalDate EffectiveDate, string Factor, string Severity, string? Note) : ISignalEvent;

/// <summary>A risk factor flagged before is no longer open from the effective date.</summary>
public sealed record RiskCleared(string EventId, string CustomerId, LocalDate EffectiveDate, string Factor, string? Note) : ISignalEvent;

/// <summary>The CSM who owns the account from the effective date, and the touch model the account is served by.</summary>
public sealed record CustomerAssigned(string EventId, string CustomerId, LocalDate EffectiveDate, string Csm, string TouchModel) : ISignalEvent;

/// <summary>The closed vocabularies of the signal events.</summary>
public static class SignalVocabulary
{
    public const string Scale5 = "1-5";
    public const string Scale100 = "1-100";

    public static readonly IReadOnlyList<string> Scales = [Scale5, Scale100];

    public static readonly IReadOnlyList<string> EngagementKinds = ["qbr", "training", "onboarding_session", "check_in", "webinar", "escalation"];

    public static readonly IReadOnlyList<string> Severities = ["low", "medium", "high"];

    public const string HighTouch = "high";
    public const string LowTouch = "low";
    public const string TechTouch = "tech";

    public static readonly IReadOnlyList<string> TouchModels = [HighTouch, LowTouch, TechTouch];

    /// <summary>The lowest and highest score of a CSAT scale.</summary>
    public static (int Min, int Max) Bounds(string scale) => scale == Scale5 ? (1, 5) : (1, 100);
}
