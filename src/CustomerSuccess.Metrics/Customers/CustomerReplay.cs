using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Movements;
using NodaTime;

namespace CustomerSuccess.Metrics.Customers;

/// <summary>
/// One event of a customer's and the customer right after it, at the event's place in the timeline: the customer's
/// ARR and status there, and the kinds of the movements of the event's effective day that name it (none for a voided
/// event, or a day that nets to no movement). A void (<see cref="VoidedEventId"/> set) has no effective date or contract
/// and stands at the place of the event it voids, which it leaves at the ARR before it.
/// </summary>
public sealed record CustomerStep(
    string EventId,
    string Type,
    LocalDate? EffectiveDate,
    Instant RecordedAt,
    long Sequence,
    string? ContractId,
    decimal Arr,
    string Status,
    IReadOnlyList<string> Movements,
    string? VoidedBy,
    string? VoidedEventId);

/// <summary>A customer replayed event by event from its stream, in the two orders the engine knows it in.</summary>
public static class CustomerReplay
{
    /// <summary>
    /// Every contract event in effective order (effective date, then the order recorded), the order every figure
    /// uses, each with the customer as the whole log has it now. A voided event is listed at its place, marked with its
    /// void, and applies nothing.
    /// </summary>
    public static IReadOnlyList<CustomerStep> InEffectiveOrder(CustomerLedger ledger)
    {
        var voidOf = ledger.Voids.ToDictionary(v => v.VoidedEventId, StringComparer.Ordinal);
        var places = Places(ledger.Entries, voidOf.Keys.ToHashSet(StringComparer.Ordinal));
        return [.. TimelineEntry.InEffectiveOrder(ledger.Entries).Select(e => Step(e, places[e.EventId], voidOf.GetValueOrDefault(e.EventId)))];
    }

    /// <summary>
    /// Every event, voids too, in the order the store recorded them, each with the customer as the store knew it just
    /// after learning it: the events recorded up to it, less those voided by then. An event voided later is marked
    /// with its void but shows what it did until then.
    /// </summary>
    public static IReadOnlyList<CustomerStep> InRecordedOrder(CustomerLedger ledger)
    {
        var voidOf = ledger.Voids.ToDictionary(v => v.VoidedEventId, StringComparer.Ordinal);
        var recorded = ledger.Entries.Select(e => (e.Sequence, Entry: (TimelineEntry?)e, Void: (VoidEntry?)null))
            .Concat(ledger.Voids.Select(v => (v.Sequence, Entry: (TimelineEntry?)null, Void: (VoidEntry?)v)))
            .OrderBy(r => r.Sequence);

        var steps = new List<CustomerStep>();
        foreach (var (sequence, entry, voidEntry) in recorded)
        {
            var known = ledger.Entries.Where(e => e.Sequence <= sequence).ToList();
            var retracted = ledger.Voids.Where(v => v.Sequence <= sequence).Select(v => v.VoidedEventId).ToHashSet(StringComparer.Ordinal);
            var places = Places(known, retracted);
            if (entry is not null)
            {
                steps.Add(Step(entry, places[entry.EventId], voidOf.GetValueOrDefault(entry.EventId)));
            }
            else
            {
                var place = places[voidEntry!.VoidedEventId];
                steps.Add(new CustomerStep(voidEntry.EventId, EventTypeNames.Voided, null, voidEntry.RecordedAt, voidEntry.Sequence, null,
                    place.Arr, place.Status, [], null, voidEntry.VoidedEventId));
            }
        }

        return steps;
    }

    private sealed record Place(decimal Arr, string Status, IReadOnlyList<string> Movements);

    private static CustomerStep Step(TimelineEntry e, Place place, VoidEntry? voidedBy) =>
        new(e.EventId, e.Type, e.EffectiveDate, e.RecordedAt, e.Sequence, e.ContractId, place.Arr, place.Status, place.Movements,
            voidedBy?.EventId, null);

    /// <summary>
    /// The customer just after each entry, applied in effective order; a retracted entry applies nothing and takes
    /// part in no movement. The status counts the customer as once active when it had ARR at the end of an earlier day.
    /// </summary>
    private static Dictionary<string, Place> Places(IEnumerable<TimelineEntry> entries, IReadOnlySet<string> retracted)
    {
        var ordered = TimelineEntry.InEffectiveOrder(entries);
        var movements = Movement.Classify([.. ordered.Where(e => !retracted.Contains(e.EventId))])
            .SelectMany(m => m.EventIds.Select(id => (Id: id, m.Kind)))
            .ToLookup(m => m.Id, m => m.Kind, StringComparer.Ordinal);

        var book = new ContractBook();
        var everActive = false;
        LocalDate? day = null;
        var places = new Dictionary<string, Place>(StringComparer.Ordinal);
        foreach (var entry in ordered)
        {
            if (day is { } previous && entry.EffectiveDate != previous)
            {
                everActive |= book.TotalArr > 0m;
            }

            day = entry.EffectiveDate;
            if (!retracted.Contains(entry.EventId))
            {
                book.Apply(entry);
            }

            places[entry.EventId] = new Place(book.TotalArr, CustomerStatus.Of(book.TotalArr, everActive), [.. movements[entry.EventId]]);
        }

        return places;
    }
}
