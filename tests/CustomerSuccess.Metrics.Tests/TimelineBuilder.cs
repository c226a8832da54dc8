using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Ledger;
using NodaTime;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>Builds a customer's ledger in recorded order, one event at a time, for tests without a database.</summary>
internal sealed class TimelineBuilder(string customerId = "acme")
{
    private static readonly Instant Origin = Instant.FromUtc(2025, 1, 1, 0, 0);
    private long _sequence;

    public CustomerLedger Ledger { get; } = new() { Id = customerId };

    public static LocalDate D(string iso) => NodaTime.Text.LocalDatePattern.Iso.Parse(iso).Value;

    public TimelineEntry Entry(IContractEvent e)
    {
        _sequence++;
        return TimelineEntry.From(e, _sequence, Origin + Duration.FromMinutes(_sequence));
    }

    public TimelineBuilder Add(IContractEvent e)
    {
        Ledger.Entries.Add(Entry(e));
        Ledger.Version++;
        return this;
    }

    public TimelineBuilder Void(string eventId, string voidedEventId)
    {
        _sequence++;
        Ledger.Voids.Add(new VoidEntry(eventId, voidedEventId, _sequence, Origin + Duration.FromMinutes(_sequence), null));
        Ledger.Version++;
        return this;
    }

    public Instant RecordedAtOf(string eventId) =>
        Ledger.Entries.Select(e => (e.EventId, e.RecordedAt))
            .Concat(Ledger.Voids.Select(v => (v.EventId, v.RecordedAt)))
            .Single(x => x.EventId == eventId).RecordedAt;

    public ContractSigned Signed(string id, string contract, string date, decimal arr, string? segment = null) =>
        new(id, customerId, contract, D(date), arr, null, "core",
            segment is null ? null : new CustomerDetails(null, segment, null), null);

    public ContractCrossSold CrossSold(string id, string contract, string date, decimal arr) =>
        new(id, customerId, contract, D(date), arr, null, "analytics", null, null);

    public ContractUpsold Upsold(string id, string contract, string date, decimal increase) =>
        new(id, customerId, contract, D(date), increase, null);

    public ContractDownsold Downsold(string id, string contract, string date, decimal decrease) =>
        new(id, customerId, contract, D(date), decrease, null);

    public ContractRenewed Renewed(string id, string contract, string date, decimal arr, string? segment = null) =>
        new(id, customerId, contract, D(date), arr, D(date).PlusYears(1),
            segment is null ? null : new CustomerDetails(null, segment, null), null);

    public ContractChurned Churned(string id, string contract, string date) =>
        new(id, customerId, contract, D(date), "budget", null);
}
