using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Customers;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Movements;
using CustomerSuccess.Metrics.Recording;
using CustomerSuccess.Metrics.Telemetry;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Projections;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// Keeps each customer's <see cref="CustomerTail"/>, the event receipts, the customers and recorded instants, and the
/// bitemporal movement, customer-detail, contract-event, retention-cost and signal tables.
/// An event that lands at the end of a customer's timeline is classified from the tail alone; a backdated
/// event or a void reads the customer's stream back and reclassifies the whole timeline. Deterministic:
/// the only time it uses is each event's recorded timestamp, so a rebuild from the event log writes the
/// same rows.
/// </summary>
public sealed class LedgerProjection : ProjectionBase, IProjection
{
    public const string ProjectionName = "CustomerLedger";

    /// <summary>How many customer tails a rebuild keeps in memory between pages, about a kilobyte each; when full it stores the rest.</summary>
    private const int RememberedTails = 250_000;

    private readonly ReadModelTables _tables;
    private readonly long _checkpointEveryEvents;
    private readonly TailMemory _memory = new(RememberedTails);

    /// <summary>
    /// Events per page when the projection is rebuilt: each page is read, projected and committed in turn, and
    /// fewer, larger pages spend less on the statements each page costs.
    /// </summary>
    public const int DefaultRebuildPageSize = 1_000;

    public LedgerProjection(ReadModelTables tables, long checkpointEveryEvents, int rebuildPageSize = DefaultRebuildPageSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(checkpointEveryEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rebuildPageSize, 1);
        _tables = tables;
        _checkpointEveryEvents = checkpointEveryEvents;
        Name = ProjectionName;
        Options.BatchSize = rebuildPageSize;
        Options.DeleteDataInTableOnTeardown(tables.CustomerTails);
        Options.DeleteDataInTableOnTeardown(tables.EventReceipts);
        Options.DeleteDataInTableOnTeardown(tables.Movements);
        Options.DeleteDataInTableOnTeardown(tables.DailyTotals);
        Options.DeleteDataInTableOnTeardown(tables.Checkpoints);
        Options.DeleteDataInTableOnTeardown(tables.RetentionCosts);
        Options.DeleteDataInTableOnTeardown(tables.Signals);
        Options.DeleteDataInTableOnTeardown(tables.ContractEvents);
        Options.DeleteDataInTableOnTeardown(tables.Customers);
        Options.DeleteDataInTableOnTeardown(tables.CustomerDetails);
        Options.DeleteDataInTableOnTeardown(tables.RecordedInstants);
    }

    /// <summary>The row a rebuild keeps in the event store's progression table while it runs.</summary>
    public static readonly string RebuildProgressName = new ShardName(ProjectionName).Identity;

    /// <summary>The SQL condition that a rebuild is under way or was interrupted, with <see cref="RebuildProgressName"/> as $1.</summary>
    public static string RebuildUnderWay(ReadModelTables tables) =>
        $"exists (select 1 from {tables.Schema}.mt_event_progression where name = $1)";

    /// <summary>
    /// Whether a rebuild of this projection is under way or was interrupted: a rebuild keeps its progress in the
    /// event store's progression table, and removes the row once it has finished, since the projection is inline.
    /// </summary>
    public static async Task<bool> IsRebuildingAsync(NpgsqlConnection connection, ReadModelTables tables, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select {RebuildUnderWay(tables)}";
        command.Parameters.Add(new NpgsqlParameter { Value = RebuildProgressName });
        return (bool)(await command.ExecuteScalarAsync(cancellation).ConfigureAwait(false))!;
    }

    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        // The write side has read the tails it touches; a replay (a rebuild) has not, and publishes nothing.
        var writing = CustomerTails.HasRead(operations);
        EngineTelemetry.EventsProjected.Add(events.Count, new KeyValuePair<string, object?>("path", writing ? "write" : "replay"));
        // Hashing the events for their receipts takes another core while the customers are classified.
        var receipts = Task.Run(() => EventReceipts.Of(events), cancellation);
        var streams = events.GroupBy(e => e.StreamKey!, StringComparer.Ordinal).ToList();
        foreach (var costEvent in streams.Where(s => s.Key == StreamKeys.RetentionCosts).SelectMany(s => s))
        {
            ProjectRetentionCost(operations, costEvent);
        }

        foreach (var signalEvent in streams.Where(s => s.Key == StreamKeys.Signals).SelectMany(s => s))
        {
            SignalRows.Queue(operations, _tables, signalEvent);
        }

        var rows = new LedgerRows(_tables, publishing: writing);
        var customerStreams = streams.Where(s => StreamKeys.IsCustomer(s.Key)).ToList();
        if (customerStreams.Count > 0)
        {
            ContractEventRows.Queue(operations, _tables, [.. customerStreams.SelectMany(s => s)]);
            await ProjectCustomersAsync(operations, customerStreams, rows, cancellation).ConfigureAwait(false);
        }

        rows.Queue(operations, KnowledgeCheckpoints.DueBefore(events, _checkpointEveryEvents));
        RecordedInstants.Queue(operations, _tables, events);
        EventReceipts.Queue(operations, _tables, await receipts.ConfigureAwait(false), events);
    }

    private async Task ProjectCustomersAsync(
        IDocumentOperations operations, List<IGrouping<string, IEvent>> customerStreams, LedgerRows rows, CancellationToken cancellation)
    {
        foreach (var started in customerStreams.Select(s => s.First()).Where(e => e.Version == 1))
        {
            rows.Add(started.StreamKey!, Instant.FromDateTimeOffset(started.Timestamp));
        }


        // A stream that starts in this batch has no tail yet. The write side has read every tail it touches.
        var continuing = customerStreams.Where(s => s.First().Version > 1).ToList();
        var fromWriteSide = CustomerTails.HasRead(operations);
        var tails = fromWriteSide ? [] : _memory.Take(continuing);
        var loaded = await CustomerTails.LoadAsync(
            operations, _tables, [.. continuing.Where(s => !tails.ContainsKey(s.Key)).Select(s => s.Key)], cancellation).ConfigureAwait(false);
        foreach (var stream in continuing)
        {
            // A stored tail lags behind its stream while a replay has not reached the stream's last event
            // (TailMemory.Keep): like a remembered one, it stands only for the state just before the batch.
            if (loaded.TryGetValue(stream.Key, out var tail) && tail.IsJustBefore(stream.First().Version))
            {
                tails[stream.Key] = tail;
            }
        }

        var needing = customerStreams.Where(s => NeedsWholeTimeline(tails.GetValueOrDefault(s.Key), s)).Select(s => s.Key).ToList();
        var histories = await CustomerStreams.ReadAsync(operations, needing, cancellation).ConfigureAwait(false);

        var written = new List<CustomerTail>(customerStreams.Count);
        foreach (var stream in customerStreams)
        {
            var tail = tails.GetValueOrDefault(stream.Key) ?? new CustomerTail { Id = stream.Key, Key = stream.First().Sequence };
            if (histories.TryGetValue(stream.Key, out var history))
            {
                var firstSequence = stream.First().Sequence;
                var before = history.Where(e => e.Sequence < firstSequence).ToList();
                tail.Key = before.Count > 0 ? before[0].Sequence : firstSequence;
                tail.Rebase(Reclassify(CustomerLedger.FromEvents(stream.Key, before), tail.Key, stream, rows));
            }
            else
            {
                AppendAtEnd(tail, stream, rows);
            }

            written.Add(tail);
        }

        if (fromWriteSide)
        {
            CustomerTails.Queue(operations, _tables, written);
            return;
        }

        if (!_memory.KnowsStreamVersions)
        {
            _memory.UseStreamVersions(
                await CustomerStreams.VersionsAsync(operations, _tables, _memory.Capacity, cancellation).ConfigureAwait(false));
        }

        CustomerTails.Queue(operations, _tables, _memory.Keep(written));
    }

    /// <summary>Whether an event of the batch may not land at the end of the customer's known timeline.</summary>
    private static bool NeedsWholeTimeline(CustomerTail? tail, IEnumerable<IEvent> stream)
    {
        var latest = tail?.LastDate;
        foreach (var e in stream)
        {
            if (e.Data is EventVoided || (e.Data is IContractEvent c && !CustomerTail.Follows(ref latest, c.EffectiveDate)))
            {
                return true;
            }

            // A stream whose tail was never kept is read back whole.
            if (tail is null && e.Version > 1)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Events recorded together become known together: one knowledge step per recorded instant.</summary>
    private static void AppendAtEnd(CustomerTail tail, IEnumerable<IEvent> stream, LedgerRows rows)
    {
        foreach (var step in ChunkByTimestamp(stream))
        {
            var believed = tail.LastDayMovements();
            var believedDetails = tail.LastDayDetails();
            var next = new List<Movement>();
            var nextDetails = new List<DetailsChange>();
            foreach (var e in step)
            {
                var entry = TimelineEntry.From((IContractEvent)e.Data, e.Sequence, Instant.FromDateTimeOffset(e.Timestamp));
                if (tail.LastDate is { } last && entry.EffectiveDate > last)
                {
                    next.AddRange(tail.LastDayMovements());
                    nextDetails.AddRange(tail.LastDayDetails());
                }

                tail.Append(entry);
                tail.Version++;
            }

            next.AddRange(tail.LastDayMovements());
            nextDetails.AddRange(tail.LastDayDetails());
            var at = Instant.FromDateTimeOffset(step[0].Timestamp);
            rows.Change(tail.Id, tail.Key, believed, next, at);
            rows.ChangeDetails(tail.Id, believedDetails, nextDetails, at);
        }
    }

    private static CustomerLedger Reclassify(CustomerLedger ledger, long customerKey, IEnumerable<IEvent> stream, LedgerRows rows)
    {
        var timeline = ledger.KnownTimeline();
        var believed = Movement.Classify(timeline);
        var believedDetails = DetailsChange.Of(timeline);
        foreach (var step in ChunkByTimestamp(stream))
        {
            foreach (var e in step)
            {
                ledger.Record(e);
            }

            timeline = ledger.KnownTimeline();
            var next = Movement.Classify(timeline);
            var nextDetails = DetailsChange.Of(timeline);
            var at = Instant.FromDateTimeOffset(step[0].Timestamp);
            rows.Change(ledger.Id, customerKey, believed, next, at);
            rows.ChangeDetails(ledger.Id, believedDetails, nextDetails, at);
            believed = next;
            believedDetails = nextDetails;
        }

        return ledger;
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
