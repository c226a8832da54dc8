using NodaTime;

namespace CustomerSuccess.Metrics.Events;

/// <summary>Customer attributes a publisher may send with any contract event; absent fields keep their value.</summary>
public sealed record CustomerDetails(string? Name, string? Segment, string? Csm);

/// <summary>Every event carries the publisher's idempotency key.</summary>
public interface IPublishedEvent
{
    string EventId { get; }
}

/// <summary>An event that changes a customer's contracts from its effective date on.</summary>
public interface IContractEvent : IPublishedEvent
{
    string CustomerId { get; }
    string ContractId { get; }
    LocalDate EffectiveDate { get; }
    CustomerDetails? Customer { get; }
}

/// <summary>How an ARR figure was given when it was not sent as <c>arr</c> directly.</summary>
public sealed record RecurringAmount(decimal Amount, int PeriodMonths);

public sealed record ContractSigned(
    string EventId, string CustomerId, string ContractId, LocalDate EffectiveDate, decimal Arr,
    LocalDate? TermEndDate, string? Product, CustomerDetails? Customer, RecurringAmount? Recurring) : IContractEvent
{
    /// <summary>Rounded when read, so that events recorded before ARR was rounded project like those recorded since.</summary>
    public decimal Arr { get; init; } = RecordedArr.Round(Arr);
}

public sealed record ContractCrossSold(
    string EventId, string CustomerId, string ContractId, LocalDate EffectiveDate, decimal Arr,
    LocalDate? TermEndDate, string? Product, CustomerDetails? Customer, RecurringAmount? Recurring) : IContractEvent
{
    /// <summary>Rounded when read, so that events recorded before ARR was rounded project like those recorded since.</summary>
    public decimal Arr { get; init; } = RecordedArr.Round(Arr);
}

public sealed record ContractUpsold(
    string EventId, string CustomerId, string ContractId, LocalDate EffectiveDate, decimal ArrIncrease,
    CustomerDetails? Customer) : IContractEvent;

public sealed record ContractDownsold(
    string EventId, string CustomerId, string ContractId, LocalDate EffectiveDate, decimal ArrDecrease,
    CustomerDetails? Customer) : IContractEvent;

public sealed record ContractRenewed(
    string EventId, string CustomerId, string ContractId, LocalDate EffectiveDate, decimal Arr,
    LocalDate TermEndDate, CustomerDetails? Customer, RecurringAmount? Recurring) : IContractEvent
{
    /// <summary>Rounded when read, so that events recorded before ARR was rounded project like those recorded since.</summary>
    public decimal Arr { get; init; } = RecordedArr.Round(Arr);
}

public sealed record ContractChurned(
    string EventId, string CustomerId, string ContractId, LocalDate EffectiveDate, string? Reason,
    CustomerDetails? Customer) : IContractEvent;

/// <summary>Retracts an earlier event for every knowledge instant after this one is recorded.</summary>
public sealed record EventVoided(string EventId, string VoidedEventId, string? Reason) : IPublishedEvent;

public sealed record RetentionCostRecorded(string EventId, LocalDate Date, string Category, decimal Amount) : IPublishedEvent;

public static class EventTypeNames
{
    public const string Signed = Contracts.V1.EventTypes.Signed;
    public const string CrossSold = Contracts.V1.EventTypes.CrossSold;
    public const string Upsold = Contracts.V1.EventTypes.Upsold;
    public const string Downsold = Contracts.V1.EventTypes.Downsold;
    public const string Renewed = Contracts.V1.EventTypes.Renewed;
    public const string Churned = Contracts.V1.EventTypes.Churned;
    public const string Voided = Contracts.V1.EventTypes.Voided;
    public const string RetentionCost = Contracts.V1.EventTypes.RetentionCost;
    public const string NpsAnswered = Contracts.V1.EventTypes.NpsAnswered;
    public const string CsatAnswered = Contracts.V1.EventTypes.CsatAnswered;
    public const string UsageReported = Contracts.V1.EventTypes.UsageReported;
    public const string EngagementRecorded = Contracts.V1.EventTypes.EngagementRecorded;
    public const string RiskFlagged = Contracts.V1.EventTypes.RiskFlagged;
    public const string RiskCleared = Contracts.V1.EventTypes.RiskCleared;
    public const string CustomerAssigned = Contracts.V1.EventTypes.CustomerAssigned;

    public static readonly IReadOnlyList<string> All = Contracts.V1.EventTypes.All;

    private static readonly Dictionary<Type, string> ByType = new()
    {
        [typeof(ContractSigned)] = Signed,
        [typeof(ContractCrossSold)] = CrossSold,
        [typeof(ContractUpsold)] = Upsold,
        [typeof(ContractDownsold)] = Downsold,
        [typeof(ContractRenewed)] = Renewed,
        [typeof(ContractChurned)] = Churned,
        [typeof(EventVoided)] = Voided,
        [typeof(RetentionCostRecorded)] = RetentionCost,
        [typeof(NpsAnswered)] = NpsAnswered,
        [typeof(CsatAnswered)] = CsatAnswered,
        [typeof(UsageReported)] = UsageReported,
        [typeof(EngagementRecorded)] = EngagementRecorded,
        [typeof(RiskFlagged)] = RiskFlagged,
        [typeof(RiskCleared)] = RiskCleared,
        [typeof(CustomerAssigned)] = CustomerAssigned,
    };

    public static string Of(IPublishedEvent e) =>
        Find(e.GetType()) ?? throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Unknown event type");

    /// <summary>The published name of a type of published event; null for any other type.</summary>
    public static string? Find(Type type) => ByType.GetValueOrDefault(type);
}

public static class Segments
{
    public const string Smb = "smb";
    public const string MidMarket = "mid_market";
    public const string Enterprise = "enterprise";

    public static readonly IReadOnlyList<string> All = [Smb, MidMarket, Enterprise];

    public static bool IsKnown(string value) => All.Contains(value, StringComparer.Ordinal);
}
