using NodaTime;

namespace CustomerSuccess.Metrics.Audit;

public static class ChurnKinds
{
    /// <summary>The customer's ARR fell to 0: a churn movement of the bridge.</summary>
    public const string Logo = "logo";

    /// <summary>A contract ended while the customer kept ARR: part of a contraction, or netted away by the day's other events.</summary>
    public const string Contract = "contract";
}

/// <summary>
/// A <c>contract.churned</c> event behind a churn entry, with the name of the key that sent it (null when none did, as on
/// the bus) and the way it came in (<c>http</c> or <c>bus</c>; null for events recorded before either was kept).
/// </summary>
public sealed record ChurnEvent(
    string EventId, string ContractId, LocalDate EffectiveDate, Instant RecordedAt, string? Reason, string? PublishedBy, string? Via);

/// <summary>The customer's whole ARR at the end of a month.</summary>
public sealed record MonthEndArr(LocalDate MonthEnd, decimal Arr);

/// <summary>
/// A customer lost (<see cref="ChurnKinds.Logo"/>, with no contract) or a contract that ended inside a customer who
/// stayed (<see cref="ChurnKinds.Contract"/>), with the events behind it and the customer's ARR over the months before.
/// </summary>
/// <param name="ArrLost">For a logo, the customer's ARR at the end of the day before, the bridge's churn amount; for a
/// contract, the contract's ARR at the end of the day before.</param>
/// <param name="EventIds">For a logo, every event of the customer effective that day; for a contract, its churn event.</param>
/// <param name="ReactivatedOn">For a logo, the first day after the churn on which the customer came back.</param>
public sealed record ChurnEntry(
    string CustomerId,
    string? ContractId,
    string Kind,
    LocalDate ChurnDate,
    string? Segment,
    decimal ArrLost,
    string? Reason,
    IReadOnlyList<string> EventIds,
    IReadOnlyList<ChurnEvent> ChurnEvents,
    LocalDate? ReactivatedOn,
    IReadOnlyList<MonthEndArr> ArrHistory);
