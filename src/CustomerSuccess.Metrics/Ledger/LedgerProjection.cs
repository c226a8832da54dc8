using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Movements;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using NodaTime;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// Keeps each customer's <see cref="CustomerLedger"/> and the bitemporal movement and retention-cost
/// tables. Deterministic: the only time it uses is each event's recorded timestamp, so a rebuild from
/// the event log writes the same rows.
/// </summary>
public sealed class LedgerProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "CustomerLedger";

    private readonly ReadModelTables _tables;

    public LedgerProjection(ReadModelTables tables)
    {
        _tables = tables;
        Name = ProjectionName;
        Options.DeleteViewTypeOnTeardown<CustomerLedger>();
        Options.DeleteDataInTableOnTeardown(tables.Movements);
        Options.DeleteDataInTableOnTeardown(tables.DailyTotals);
        Options.DeleteDataInTableOnTeardown(tables.RetentionCosts);
    }

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var streams = events.GroupBy(e => e.StreamKey!, StringComparer.Ordinal).ToList();
        foreach (var costEvent in streams.Where(s => s.Key == StreamKeys.RetentionCosts).SelectMany(s => s))
        {
            ProjectRetentionCost(operations, costEvent);
        }

        var customerStreams = streams.Where(s => s.Key != StreamKeys.RetentionCosts).ToList();
        if (customerStreams.Count == 0)
        {
            return;
        }

        var loaded = await operations.LoadManyAsync<CustomerLedger>(cancellation, customerStreams.Select(s => s.Key))
            .ConfigureAwait(false);
        var ledgers = loaded.ToDictionary(l => l.Id, StringComparer.Ordinal);
        var rows = new MovementRows(_tables);

        foreach (var stream in customerStreams)
        {
            var ledger = ledgers.GetValueOrDefault(stream.Key) ?? new CustomerLedger { Id = stream.Key };
            var believed = Movement.Classify(ledger.KnownTimeline());

            // Events recorded together become known together: one knowledge step per recorded instant.
            foreach (var step in ChunkByTimestamp(stream))
            {
                foreach (var e in step)
                {
                    Record(ledger, e);
                }

                var next = Movement.Classify(ledger.KnownTimeline());
                rows.Change(ledger.Id, believed, next, Instant.FromDateTimeOffset(step[0].Timestamp));
                believed = next;
            }

            operations.Store(ledger);
        }

        rows.Queue(operations);
    }

    private static void Record(CustomerLedger ledger, IEvent e)
    {
        var recordedAt = Instant.FromDateTimeOffset(e.Timestamp);
        switch (e.Data)
        {
            case IContractEvent contractEvent:
                ledger.Entries.Add(TimelineEntry.From(contractEvent, e.Sequence, recordedAt));
                break;
            case EventVoided voided:
                ledger.Voids.Add(new VoidEntry(voided.EventId, voided.VoidedEventId, e.Sequence, recordedAt, voided.Reason));
                break;
        }

        ledger.Version++;
    }

    private void ProjectRetentionCost(IDocumentOperations operations, IEvent e)
    {
        var recordedAt = Instant.FromDateTimeOffset(e.Timestamp);
        switch (e.Data)
        {
            case RetentionCostRecorded cost:
                operations.QueueSqlCommand(
                    $"insert into {_tables.RetentionCosts} (event_id, cost_date, category, amount, known_from) " +
                    "values (?, ?, ?, ?, ?) on conflict (event_id) do nothing",
                    cost.EventId, cost.Date, cost.Category, cost.Amount, recordedAt);
                break;
            case EventVoided voided:
                operations.QueueSqlCommand(
                    $"update {_tables.RetentionCosts} set known_to = ? where event_id = ? and known_to is null",
                    recordedAt, voided.VoidedEventId);
                break;
        }
    }

    private static IEnumerable<IReadOnlyList<IEvent>> ChunkByTimestamp(IEnumerable<IEvent> events)
    {
        var chunk = new List<IEvent>();
        foreach (var e in events)
        {
            if (chunk.Count > 0 && chunk[0].Timestamp != e.Timestamp)
            {
                yield return chunk;
                chunk = [];
            }

            chunk.Add(e);
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }
}
