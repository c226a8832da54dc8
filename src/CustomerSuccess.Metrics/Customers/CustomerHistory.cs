using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Recording;
using Marten;
using NodaTime;

namespace CustomerSuccess.Metrics.Customers;

public sealed record HistoryItem(
    string EventId,
    string Type,
    LocalDate? EffectiveDate,
    Instant RecordedAt,
    long Sequence,
    bool Voided,
    string? VoidedByEventId,
    Instant? VoidedAt,
    string? ContractId,
    decimal? Amount,
    LocalDate? TermEndDate,
    string? VoidedEventId,
    string? Reason,
    decimal ArrBefore,
    decimal ArrAfter)
{
    /// <summary>The name of the API key that sent the event; null when none stands behind it (on the bus).</summary>
    public string? PublishedBy { get; init; }

    /// <summary>How the event came in: <c>http</c> or <c>bus</c>.</summary>
    public string? Via { get; init; }
}

/// <summary>
/// Everything recorded for a customer by an instant, in recorded order, voids and voided events alike, each with the
/// customer's ARR just before and just after it in the timeline as known then.
/// </summary>
public sealed class CustomerHistory(IDocumentStore store)
{
    public async Task<IReadOnlyList<HistoryItem>?> QueryAsync(string customerId, Instant knownAt, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var events = await session.Events.FetchStreamAsync(customerId, token: cancellation).ConfigureAwait(false);
        var ledger = CustomerLedger.FromEvents(customerId, events);
        if (events.Count == 0 || !ledger.HasAnythingKnownAt(knownAt))
        {
            return null;
        }

        var senders = events.Where(e => e.Data is IPublishedEvent).ToDictionary(
            e => ((IPublishedEvent)e.Data).EventId, e => (e.GetHeader(Sender.PublishedByHeader)?.ToString(), e.GetHeader(Sender.ViaHeader)?.ToString()),
            StringComparer.Ordinal);
        return [.. Build(ledger, knownAt).Select(item => senders.GetValueOrDefault(item.EventId) is var (publishedBy, via)
            ? item with { PublishedBy = publishedBy, Via = via }
            : item)];
    }

    public static IReadOnlyList<HistoryItem> Build(CustomerLedger ledger, Instant knownAt)
    {
        var voidOf = ledger.Voids.Where(v => v.RecordedAt <= knownAt).ToDictionary(v => v.VoidedEventId, StringComparer.Ordinal);
        var entries = ledger.Entries.Where(e => e.RecordedAt <= knownAt).ToList();
        var arr = ArrAround(entries, voidOf);

        var contractEvents = entries.Select(e =>
        {
            var voidedBy = voidOf.GetValueOrDefault(e.EventId);
            var (before, after) = arr[e.EventId];
            return new HistoryItem(e.EventId, e.Type, e.EffectiveDate, e.RecordedAt, e.Sequence, voidedBy is not null,
                voidedBy?.EventId, voidedBy?.RecordedAt, e.ContractId, e.Change == ContractChange.Close ? null : e.Amount,
                e.TermEndDate, null, e.Reason, before, after);
        });
        var voids = voidOf.Values.Select(v =>
        {
            var unchanged = arr[v.VoidedEventId].After;
            return new HistoryItem(v.EventId, EventTypeNames.Voided, null, v.RecordedAt, v.Sequence, false, null, null, null, null, null,
                v.VoidedEventId, v.Reason, unchanged, unchanged);
        });

        return contractEvents.Concat(voids).OrderBy(i => i.Sequence).ToList();
    }

    /// <summary>
    /// The customer's ARR just before and just after each entry, applied in effective order. A retracted entry applies
    /// nothing: it shows the ARR at the place it would have taken, before and after alike.
    /// </summary>
    private static Dictionary<string, (decimal Before, decimal After)> ArrAround(
        IReadOnlyList<TimelineEntry> entries, IReadOnlyDictionary<string, VoidEntry> voidOf)
    {
        var book = new ContractBook();
        var around = new Dictionary<string, (decimal, decimal)>(StringComparer.Ordinal);
        foreach (var entry in TimelineEntry.InEffectiveOrder(entries))
        {
            var before = book.TotalArr;
            if (!voidOf.ContainsKey(entry.EventId))
            {
                book.Apply(entry);
            }

            around[entry.EventId] = (before, book.TotalArr);
        }

        return around;
    }
}
