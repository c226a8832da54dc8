using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Ledger;
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
    string? VoidedEventId,
    string? Reason);

/// <summary>Everything recorded for a customer, in recorded order, voids and voided events alike.</summary>
public sealed class CustomerHistory(IDocumentStore store)
{
    public async Task<IReadOnlyList<HistoryItem>?> QueryAsync(string customerId, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        var ledger = await CustomerStreams.LedgerAsync(session, customerId, cancellation).ConfigureAwait(false);
        return ledger is null ? null : Build(ledger);
    }

    public static IReadOnlyList<HistoryItem> Build(CustomerLedger ledger)
    {
        var contractEvents = ledger.Entries.Select(e =>
        {
            var voidedBy = ledger.VoidOf(e.EventId);
            return new HistoryItem(e.EventId, e.Type, e.EffectiveDate, e.RecordedAt, e.Sequence, voidedBy is not null,
                voidedBy?.EventId, voidedBy?.RecordedAt, e.ContractId,
                e.Change == Contracts.ContractChange.Close ? null : e.Amount, null, e.Reason);
        });
        var voids = ledger.Voids.Select(v => new HistoryItem(v.EventId, EventTypeNames.Voided, null, v.RecordedAt,
            v.Sequence, false, null, null, null, null, v.VoidedEventId, v.Reason));

        return contractEvents.Concat(voids).OrderBy(i => i.Sequence).ToList();
    }
}
