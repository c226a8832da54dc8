using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Events;
using JasperFx.Events;
using NodaTime;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>A void as the ledger keeps it: which event it retracts and from when.</summary>
public sealed record VoidEntry(string EventId, string VoidedEventId, long Sequence, Instant RecordedAt, string? Reason);

/// <summary>
/// Everything ever recorded for one customer, in recorded order, voids included: the customer's event
/// stream read back. The write side decides backdated events and voids against it, the projection
/// reclassifies from it, and the customer endpoints answer from it at any (asOf, knownAt).
/// </summary>
public sealed class CustomerLedger
{
    public string Id { get; set; } = "";

    /// <summary>The number of events in the customer's stream that this ledger reflects.</summary>
    public long Version { get; set; }

    public List<TimelineEntry> Entries { get; set; } = [];

    public List<VoidEntry> Voids { get; set; } = [];

    public static CustomerLedger FromEvents(string id, IEnumerable<IEvent> events)
    {
        var ledger = new CustomerLedger { Id = id };
        foreach (var e in events)
        {
            ledger.Record(e);
        }

        return ledger;
    }

    public void Record(IEvent e)
    {
        var recordedAt = Instant.FromDateTimeOffset(e.Timestamp);
        switch (e.Data)
        {
            case IContractEvent contractEvent:
                Entries.Add(TimelineEntry.From(contractEvent, e.Sequence, recordedAt));
                break;
            case EventVoided voided:
                Voids.Add(new VoidEntry(voided.EventId, voided.VoidedEventId, e.Sequence, recordedAt, voided.Reason));
                break;
        }

        Version++;
    }

    public VoidEntry? VoidOf(string eventId) => Voids.Find(v => v.VoidedEventId == eventId);

    /// <summary>
    /// The contract timeline as known at <paramref name="knownAt"/> (everything when null): only entries
    /// recorded by then, minus those retracted by a void recorded by then; in effective order.
    /// </summary>
    public IReadOnlyList<TimelineEntry> KnownTimeline(Instant? knownAt = null)
    {
        var retracted = Voids
            .Where(v => knownAt is null || v.RecordedAt <= knownAt)
            .Select(v => v.VoidedEventId)
            .ToHashSet(StringComparer.Ordinal);

        return TimelineEntry.InEffectiveOrder(Entries.Where(e =>
            (knownAt is null || e.RecordedAt <= knownAt) && !retracted.Contains(e.EventId)));
    }

    public bool HasAnythingKnownAt(Instant knownAt) => Entries.Exists(e => e.RecordedAt <= knownAt);
}
