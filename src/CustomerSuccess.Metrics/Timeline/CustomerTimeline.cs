using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Movements;
using Marten;
using NodaTime;

namespace CustomerSuccess.Metrics.Timeline;

/// <summary>
/// A customer's history day by day as known at an instant, and the instants at which that history was revised. A day's
/// figures are classified by the rule behind every figure (<see cref="Movement.ClassifyDays"/>) over the timeline known
/// at the instant (<see cref="CustomerLedger.KnownTimeline"/>), so they are the ones the rest of the API gives.
/// </summary>
public sealed class CustomerTimeline(IDocumentStore store)
{
    /// <summary>The customer's ledger, or null when no event of the customer was recorded by <paramref name="knownAt"/>.</summary>
    public async Task<CustomerLedger?> LedgerAsync(string customerId, Instant knownAt, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var ledger = await CustomerStreams.LedgerAsync(session, customerId, cancellation).ConfigureAwait(false);
        return ledger is not null && ledger.HasAnythingKnownAt(knownAt) ? ledger : null;
    }

    /// <summary>
    /// Each day from <paramref name="from"/> to <paramref name="to"/> on which a contract event recorded by
    /// <paramref name="knownAt"/> is effective, voided or not, by date, with its figures as known then.
    /// </summary>
    public static IEnumerable<TimelineDay> Days(CustomerLedger ledger, Instant knownAt, LocalDate from, LocalDate to)
    {
        var voided = ledger.Voids.Where(v => v.RecordedAt <= knownAt).Select(v => v.VoidedEventId).ToHashSet(StringComparer.Ordinal);
        var days = TimelineEntry.InEffectiveOrder(ledger.Entries.Where(e => e.RecordedAt <= knownAt && e.EffectiveDate >= from && e.EffectiveDate <= to))
            .GroupBy(e => e.EffectiveDate)
            .ToList();
        return days.Zip(FiguresOn(ledger.KnownTimeline(knownAt), days.Select(d => d.Key)), (day, figures) => new TimelineDay(
            day.Key, figures, [.. day.Select(e => new TimelineEvent(e.EventId, e.Type, e.EffectiveDate, e.RecordedAt, e.ContractId, voided.Contains(e.EventId)))]));
    }

    /// <summary>
    /// Each instant up to <paramref name="knownAt"/> at which the customer's past changed: a void, or an event effective
    /// before the latest day already known (a day with an event recorded earlier, voided or not, as <see cref="Days"/>
    /// lists it), was recorded. Events on or after that day extend the timeline and revise nothing already known. Each lists the days from <paramref name="from"/> to <paramref name="to"/> whose figures
    /// changed then, none when none did (a void of a renewal at the same price).
    /// </summary>
    public static IEnumerable<TimelineRevision> Revisions(CustomerLedger ledger, Instant knownAt, LocalDate from, LocalDate to)
    {
        var entriesAt = ledger.Entries.ToLookup(e => e.RecordedAt);
        var voidsAt = ledger.Voids.ToLookup(v => v.RecordedAt);
        var instants = entriesAt.Select(g => g.Key).Union(voidsAt.Select(g => g.Key)).Where(at => at <= knownAt).Order();
        LocalDate? latest = null;
        foreach (var at in instants)
        {
            var causes = voidsAt[at].Select(v => (v.Sequence, v.EventId))
                .Concat(entriesAt[at].Where(e => e.EffectiveDate < latest).Select(e => (e.Sequence, e.EventId)))
                .OrderBy(c => c.Sequence)
                .Select(c => c.EventId)
                .ToList();
            if (latest is { } last && causes.Count > 0)
            {
                yield return new TimelineRevision(at, causes, Changes(ledger, at, from, last < to ? last : to));
            }

            foreach (var entry in entriesAt[at])
            {
                latest = latest is { } known && known > entry.EffectiveDate ? known : entry.EffectiveDate;
            }
        }
    }

    /// <summary>The days from <paramref name="from"/> to <paramref name="to"/> known at <paramref name="at"/> whose figures differ from just before it.</summary>
    private static IReadOnlyList<DayRevision> Changes(CustomerLedger ledger, Instant at, LocalDate from, LocalDate to)
    {
        var dates = ledger.Entries
            .Where(e => e.RecordedAt <= at && e.EffectiveDate >= from && e.EffectiveDate <= to)
            .Select(e => e.EffectiveDate)
            .Distinct()
            .Order()
            .ToList();
        var before = FiguresOn(ledger.KnownTimeline(at - Duration.Epsilon), dates);
        var after = FiguresOn(ledger.KnownTimeline(at), dates);
        return [.. dates.Zip(before, after).Where(d => d.Second != d.Third).Select(d => new DayRevision(d.First, d.Second, d.Third))];
    }

    /// <summary>
    /// The figures of each of <paramref name="dates"/> (ascending) in <paramref name="timeline"/>: those of its classified
    /// day where it has one, else the ARR carried from the day before, unchanged.
    /// </summary>
    private static IEnumerable<DayFigures> FiguresOn(IReadOnlyList<TimelineEntry> timeline, IEnumerable<LocalDate> dates)
    {
        using var classified = Movement.ClassifyDays(timeline).GetEnumerator();
        var next = classified.MoveNext() ? classified.Current : null;
        var carried = 0m;
        foreach (var date in dates)
        {
            while (next is not null && next.Date < date)
            {
                carried = next.ArrAfter;
                next = classified.MoveNext() ? classified.Current : null;
            }

            yield return next is not null && next.Date == date
                ? new DayFigures(next.ArrBefore, next.ArrAfter, next.Kind)
                : new DayFigures(carried, carried, null);
        }
    }
}
