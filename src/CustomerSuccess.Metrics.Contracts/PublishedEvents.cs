using System.Text.Json.Serialization;

namespace CustomerSuccess.Metrics.Contracts.V1;

/// <summary>
/// An event a service publishes to the engine. Serialised with <see cref="ContractJson"/>, it is exactly the body
/// <c>POST /api/v1/events</c> accepts and the message the queue <see cref="Messaging.ContractEventsQueue"/> accepts;
/// a JSON array of them is a batch, applied atomically. <see cref="EventId"/> is the idempotency key: sending the
/// same event again is harmless, and reusing an id for different content is refused.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ContractSigned), EventTypes.Signed)]
[JsonDerivedType(typeof(ContractCrossSold), EventTypes.CrossSold)]
[JsonDerivedType(typeof(ContractUpsold), EventTypes.Upsold)]
[JsonDerivedType(typeof(ContractDownsold), EventTypes.Downsold)]
[JsonDerivedType(typeof(ContractRenewed), EventTypes.Renewed)]
[JsonDerivedType(typeof(ContractChurned), EventTypes.Churned)]
[JsonDerivedType(typeof(EventVoided), EventTypes.Voided)]
[JsonDerivedType(typeof(RetentionCostRecorded), EventTypes.RetentionCost)]
[JsonDerivedType(typeof(NpsAnswered), EventTypes.NpsAnswered)]
[JsonDerivedType(typeof(CsatAnswered), EventTypes.CsatAnswered)]
[JsonDerivedType(typeof(UsageReported), EventTypes.UsageReported)]
[JsonDerivedType(typeof(EngagementRecorded), EventTypes.EngagementRecorded)]
[JsonDerivedType(typeof(RiskFlagged), EventTypes.RiskFlagged)]
[JsonDerivedType(typeof(RiskCleared), EventTypes.RiskCleared)]
[JsonDerivedType(typeof(CustomerAssigned), EventTypes.CustomerAssigned)]
public abstract record PublishedEvent(string EventId);

/// <summary>Customer attributes that may travel with any contract event; an attribute left out keeps its value.</summary>
public sealed record CustomerDetails(string? Name = null, string? Segment = null, string? Csm = null);

/// <summary>An event that changes one contract of one customer from its effective date on.</summary>
public abstract record ContractEvent(string EventId, string CustomerId, string ContractId, DateOnly EffectiveDate, CustomerDetails? Customer)
    : PublishedEvent(EventId);

/// <summary>
/// A contract that opens with an annual value: either <see cref="Arr"/>, or <see cref="RecurringAmount"/> billed every
/// <see cref="PeriodMonths"/> months (ARR = amount × 12 ÷ months). Exactly one of the two forms.
/// </summary>
public abstract record OpeningEvent(
    string EventId, string CustomerId, string ContractId, DateOnly EffectiveDate, decimal? Arr, decimal? RecurringAmount, int? PeriodMonths,
    CustomerDetails? Customer) : ContractEvent(EventId, CustomerId, ContractId, EffectiveDate, Customer);

/// <summary>A new customer's first contract, or a returning customer's new one.</summary>
public sealed record ContractSigned(
    string EventId, string CustomerId, string ContractId, DateOnly EffectiveDate, decimal? Arr = null, DateOnly? TermEndDate = null,
    string? Product = null, CustomerDetails? Customer = null, decimal? RecurringAmount = null, int? PeriodMonths = null)
    : OpeningEvent(EventId, CustomerId, ContractId, EffectiveDate, Arr, RecurringAmount, PeriodMonths, Customer);

/// <summary>A further contract (another product) for a customer who already has one.</summary>
public sealed record ContractCrossSold(
    string EventId, string CustomerId, string ContractId, DateOnly EffectiveDate, decimal? Arr = null, DateOnly? TermEndDate = null,
    string? Product = null, CustomerDetails? Customer = null, decimal? RecurringAmount = null, int? PeriodMonths = null)
    : OpeningEvent(EventId, CustomerId, ContractId, EffectiveDate, Arr, RecurringAmount, PeriodMonths, Customer);

/// <summary>A contract's ARR rises by <see cref="ArrIncrease"/>.</summary>
public sealed record ContractUpsold(
    string EventId, string CustomerId, string ContractId, DateOnly EffectiveDate, decimal ArrIncrease, CustomerDetails? Customer = null)
    : ContractEvent(EventId, CustomerId, ContractId, EffectiveDate, Customer);

/// <summary>A contract's ARR falls by <see cref="ArrDecrease"/>.</summary>
public sealed record ContractDownsold(
    string EventId, string CustomerId, string ContractId, DateOnly EffectiveDate, decimal ArrDecrease, CustomerDetails? Customer = null)
    : ContractEvent(EventId, CustomerId, ContractId, EffectiveDate, Customer);

/// <summary>A contract renews for a new term, at a new ARR given in either form (see <see cref="OpeningEvent"/>).</summary>
public sealed record ContractRenewed(
    string EventId, string CustomerId, string ContractId, DateOnly EffectiveDate, DateOnly TermEndDate, decimal? Arr = null,
    CustomerDetails? Customer = null, decimal? RecurringAmount = null, int? PeriodMonths = null)
    : OpeningEvent(EventId, CustomerId, ContractId, EffectiveDate, Arr, RecurringAmount, PeriodMonths, Customer);

/// <summary>A contract ends; when it was the customer's last, the customer has churned.</summary>
public sealed record ContractChurned(
    string EventId, string CustomerId, string ContractId, DateOnly EffectiveDate, string? Reason = null, CustomerDetails? Customer = null)
    : ContractEvent(EventId, CustomerId, ContractId, EffectiveDate, Customer);

/// <summary>Retracts an earlier event, from the moment this one is recorded; the retracted event stays in the history.</summary>
public sealed record EventVoided(string EventId, string VoidedEventId, string? Reason = null) : PublishedEvent(EventId);

/// <summary>Money spent on keeping customers, by category (a lower-case slug such as <c>cs_team</c>), on a date.</summary>
public sealed record RetentionCostRecorded(string EventId, DateOnly Date, string Category, decimal Amount) : PublishedEvent(EventId);

/// <summary>A customer-success signal about one customer on an effective date; it does not move ARR.</summary>
public abstract record SignalEvent(string EventId, string CustomerId, DateOnly EffectiveDate) : PublishedEvent(EventId);

/// <summary>A respondent's answer to "how likely are you to recommend us", <see cref="Score"/> 0 to 10.</summary>
public sealed record NpsAnswered(string EventId, string CustomerId, DateOnly EffectiveDate, string RespondentId, int Score, string? Comment = null)
    : SignalEvent(EventId, CustomerId, EffectiveDate);

/// <summary>A satisfaction answer on the <see cref="Scale"/> <c>"1-5"</c> or <c>"1-100"</c>, optionally about a <see cref="Topic"/>.</summary>
public sealed record CsatAnswered(
    string EventId, string CustomerId, DateOnly EffectiveDate, string RespondentId, int Score, string Scale, string? Topic = null)
    : SignalEvent(EventId, CustomerId, EffectiveDate);

/// <summary>Usage on the effective date, or over <see cref="PeriodStartDate"/> to it.</summary>
public sealed record UsageReported(
    string EventId, string CustomerId, DateOnly EffectiveDate, int LicensedSeats, int ActiveUsers, long? Logins = null,
    IReadOnlyList<string>? Features = null, DateOnly? PeriodStartDate = null) : SignalEvent(EventId, CustomerId, EffectiveDate);

/// <summary>A touch: <see cref="Kind"/> is <c>qbr</c>, <c>training</c>, <c>onboarding_session</c>, <c>check_in</c>, <c>webinar</c> or <c>escalation</c>.</summary>
public sealed record EngagementRecorded(
    string EventId, string CustomerId, DateOnly EffectiveDate, string Kind, IReadOnlyList<string>? Participants = null, string? Note = null)
    : SignalEvent(EventId, CustomerId, EffectiveDate);

/// <summary>A risk factor (a lower-case slug such as <c>champion_left</c>) opens at <see cref="Severity"/> <c>low</c>, <c>medium</c> or <c>high</c>.</summary>
public sealed record RiskFlagged(string EventId, string CustomerId, DateOnly EffectiveDate, string Factor, string Severity, string? Note = null)
    : SignalEvent(EventId, CustomerId, EffectiveDate);

/// <summary>A risk factor flagged before is closed.</summary>
public sealed record RiskCleared(string EventId, string CustomerId, DateOnly EffectiveDate, string Factor, string? Note = null)
    : SignalEvent(EventId, CustomerId, EffectiveDate);

/// <summary>The CSM who owns the account from the effective date, and its <see cref="TouchModel"/>: <c>high</c>, <c>low</c> or <c>tech</c>.</summary>
public sealed record CustomerAssigned(string EventId, string CustomerId, DateOnly EffectiveDate, string Csm, string TouchModel)
    : SignalEvent(EventId, CustomerId, EffectiveDate);
