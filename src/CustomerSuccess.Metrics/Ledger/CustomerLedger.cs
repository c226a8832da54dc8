using CustomerSuccess.Metrics.Contracts;
using NodaTime;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>A void as the ledger keeps it: which event it retracts and from when.</summary>
public sealed record VoidEntry(string EventId, string VoidedEventId, long Sequence, Instant RecordedAt, string? Reason);

/// <summary>
/// Read model: everything ever recorded for one customer, in recorded order, voids included.
/// Kept inline by <see cref="LedgerProjection"/>; the write side validates against it and the
/// customer endpoints answer from it at any (asOf, knownAt).
/// </summary>
public sealed class CustomerLedger
{
    public string Id { get; set; } = "";

    /// <summary>The number of events in the customer's stream that this ledger reflects.</summary>
    public long Version { get; set; }

    public List<TimelineEntry> Entries { get; set; } = [];

    public List<VoidEntry> Voids { get; set; } = [];

    public CustomerLedger Copy() => new() { Id = Id, Version = Version, Entries = [.. Entries], Voids = [.. Voids] };

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
