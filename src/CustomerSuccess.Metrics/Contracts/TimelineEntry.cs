using System.Text.Json.Serialization;
using CustomerSuccess.Metrics.Events;
using NodaTime;

namespace CustomerSuccess.Metrics.Contracts;

public enum ContractChange
{
    Open,
    Expand,
    Reduce,
    Renew,
    Close,
}

/// <summary>
/// One contract event as the timeline sees it: what it does to which contract, when it applies
/// (effective date) and when it became known (recorded instant, store sequence).
/// </summary>
public sealed record TimelineEntry(
    string EventId,
    string Type,
    long Sequence,
    Instant RecordedAt,
    LocalDate EffectiveDate,
    string ContractId,
    ContractChange Change,
    decimal Amount,
    LocalDate? TermEndDate,
    string? Product,
    string? Reason,
    CustomerDetails? Customer)
{
    [JsonIgnore]
    public bool RequiresExistingCustomer => Type == EventTypeNames.CrossSold;

    public static TimelineEntry From(IContractEvent e, long sequence, Instant recordedAt) => e switch
    {
        ContractSigned s => Create(s, sequence, recordedAt, ContractChange.Open, s.Arr, s.TermEndDate, s.Product, null),
        ContractCrossSold x => Create(x, sequence, recordedAt, ContractChange.Open, x.Arr, x.TermEndDate, x.Product, null),
        ContractUpsold u => Create(u, sequence, recordedAt, ContractChange.Expand, u.ArrIncrease, null, null, null),
        ContractDownsold d => Create(d, sequence, recordedAt, ContractChange.Reduce, d.ArrDecrease, null, null, null),
        ContractRenewed r => Create(r, sequence, recordedAt, ContractChange.Renew, r.Arr, r.TermEndDate, null, null),
        ContractChurned c => Create(c, sequence, recordedAt, ContractChange.Close, 0m, null, null, c.Reason),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "Not a contract event"),
    };

    private static TimelineEntry Create(
        IContractEvent e, long sequence, Instant recordedAt, ContractChange change, decimal amount,
        LocalDate? termEnd, string? product, string? reason) =>
        new(e.EventId, EventTypeNames.Of(e), sequence, recordedAt, e.EffectiveDate, e.ContractId, change, amount,
            termEnd, product, reason, e.Customer);

    /// <summary>Timelines are ordered by effective date, then by the order the events became known.</summary>
    public static IReadOnlyList<TimelineEntry> InEffectiveOrder(IEnumerable<TimelineEntry> entries) =>
        entries.OrderBy(e => e.EffectiveDate).ThenBy(e => e.Sequence).ToList();
}
