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
/// it recorded and for how many customers. The projection keeps one row per instant.
/// </summary>
public sealed class RecordedInstants(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    /// <summary>The instants from <paramref name="from"/> (from the first when null) to <paramref name="to"/>, inclusive, oldest first.</summary>
    public async Task<RecordedInstantPage> QueryAsync(Instant? from, Instant to, int offset, int limit, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            with listed as (
                select recorded_at, events, customers
                from {tables.RecordedInstants}
                where (@from is null or recorded_at >= @from) and recorded_at <= @to)
            select total.instants, page.recorded_at, page.events, page.customers
            from (select count(*)::integer as instants from listed) as total
            left join (select * from listed order by recorded_at offset @offset limit @limit) as page on true
            order by page.recorded_at
            """);
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.TimestampTz) { Value = (object?)from ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", to));
        command.Parameters.Add(new NpgsqlParameter("offset", offset));
        command.Parameters.Add(new NpgsqlParameter("limit", limit));

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

    /// <summary>
    /// Queues the instants of a batch of appended events. A batch recorded through the write side holds whole instants;
    /// a rebuild's page may hold part of one, added to the part stored before it. A customer's events of one request
    /// are appended together, so a customer counted in both parts is the one whose events straddle the cut: the last
    /// of the stored part and the first of this one.
    /// </summary>
    public static void Queue(IDocumentOperations operations, ReadModelTables tables, IReadOnlyList<IEvent> events)
    {
        var instants = events.GroupBy(e => e.Timestamp)
            .Select(g => g.OrderBy(e => e.Sequence).ToList())
            .Select(g => (
                RecordedAt: Instant.FromDateTimeOffset(g[0].Timestamp),
                Events: g.Count,
                Customers: g.Select(e => e.StreamKey!).Where(StreamKeys.IsCustomer).Distinct(StringComparer.Ordinal).Count(),
                FirstStream: g[0].StreamKey!,
                LastStream: g[^1].StreamKey!))
            .ToList();
        if (instants.Count == 0)
        {
            return;
        }

        operations.QueueSqlCommand(
            $"insert into {tables.RecordedInstants} as stored (recorded_at, events, customers, first_stream, last_stream) " +
            "select * from unnest(?::timestamptz[], ?::integer[], ?::integer[], ?::varchar[], ?::varchar[]) " +
            "on conflict (recorded_at) do update set events = stored.events + excluded.events, " +
            "customers = stored.customers + excluded.customers " +
            "- case when stored.last_stream = excluded.first_stream and left(excluded.first_stream, 1) <> '~' then 1 else 0 end, " +
            "last_stream = excluded.last_stream",
            instants.Select(i => i.RecordedAt).ToArray(),
            instants.Select(i => i.Events).ToArray(),
            instants.Select(i => i.Customers).ToArray(),
            instants.Select(i => i.FirstStream).ToArray(),
            instants.Select(i => i.LastStream).ToArray());
    }
}
