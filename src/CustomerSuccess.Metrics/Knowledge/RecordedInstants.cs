using CustomerSuccess.Metrics.Ledger;
using JasperFx.Events;
using Marten;
using Npgsql;
using NpgsqlTypes;
using NodaTime;

namespace CustomerSuccess.Metrics.Knowledge;

public sealed record RecordedInstant(Instant RecordedAt, int Events, int Customers);

public sealed record RecordedInstantPage(IReadOnlyList<RecordedInstant> Instants, int Total);

/// <summary>
/// The instants at which the store learnt something: each request that appended events is one, with how many events
/// it recorded and for how many customers. The projection keeps one row per instant with the range of store
/// sequences recorded at it, so a page of instants reads only its own events.
/// </summary>
public sealed class RecordedInstants(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    /// <summary>The instants from <paramref name="from"/> (from the first when null) to <paramref name="to"/>, inclusive, oldest first.</summary>
    public async Task<RecordedInstantPage> QueryAsync(Instant? from, Instant to, int offset, int limit, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            with listed as (
                select recorded_at, first_sequence, last_sequence
                from {tables.RecordedInstants}
                where (@from is null or recorded_at >= @from) and recorded_at <= @to),
            page as (
                select * from listed order by recorded_at offset @offset limit @limit)
            select total.instants, page.recorded_at, recorded.events, recorded.customers
            from (select count(*)::integer as instants from listed) as total
            left join page on true
            left join lateral (
                select count(*)::integer as events,
                       count(distinct e.stream_id) filter (where e.stream_id <> @retentionCosts)::integer as customers
                from {tables.Schema}.mt_events e
                where e.seq_id between page.first_sequence and page.last_sequence and e.timestamp = page.recorded_at) as recorded on true
            order by page.recorded_at
            """);
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)from ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", to));
        command.Parameters.Add(new NpgsqlParameter("offset", offset));
        command.Parameters.Add(new NpgsqlParameter("limit", limit));
        command.Parameters.Add(new NpgsqlParameter("retentionCosts", StreamKeys.RetentionCosts));

        var instants = new List<RecordedInstant>();
        var total = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            total = reader.GetInt32(0);
            if (!reader.IsDBNull(1))
            {
                instants.Add(new RecordedInstant(reader.GetFieldValue<Instant>(1), reader.GetInt32(2), reader.GetInt32(3)));
            }
        }

        return new RecordedInstantPage(instants, total);
    }

    /// <summary>Queues the instants of a batch of appended events; a rebuild may split one instant over two batches.</summary>
    public static void Queue(IDocumentOperations operations, ReadModelTables tables, IReadOnlyList<IEvent> events)
    {
        var instants = events.GroupBy(e => e.Timestamp)
            .Select(g => (RecordedAt: Instant.FromDateTimeOffset(g.Key), First: g.Min(e => e.Sequence), Last: g.Max(e => e.Sequence)))
            .ToList();
        if (instants.Count == 0)
        {
            return;
        }

        operations.QueueSqlCommand(
            $"insert into {tables.RecordedInstants} as stored (recorded_at, first_sequence, last_sequence) " +
            "select * from unnest(?::timestamptz[], ?::bigint[], ?::bigint[]) " +
            "on conflict (recorded_at) do update set first_sequence = least(stored.first_sequence, excluded.first_sequence), " +
            "last_sequence = greatest(stored.last_sequence, excluded.last_sequence)",
            instants.Select(i => i.RecordedAt).ToArray(),
            instants.Select(i => i.First).ToArray(),
            instants.Select(i => i.Last).ToArray());
    }
}
