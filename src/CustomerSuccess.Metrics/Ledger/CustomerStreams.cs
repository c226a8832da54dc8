using JasperFx.Events;
using Marten;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>Reads whole customer streams back, for the events that the tail alone cannot place.</summary>
public static class CustomerStreams
{
    /// <summary>The events of each stream, in stream order, read in one round trip.</summary>
    public static async Task<IReadOnlyDictionary<string, List<IEvent>>> ReadAsync(
        IQuerySession session, IReadOnlyCollection<string> streamKeys, CancellationToken cancellation)
    {
        var streams = streamKeys.ToDictionary(k => k, _ => new List<IEvent>(), StringComparer.Ordinal);
        if (streams.Count == 0)
        {
            return streams;
        }

        var keys = streamKeys.ToArray();
        var events = await session.Events.QueryAllRawEvents()
            .Where(e => e.StreamKey!.IsOneOf(keys))
            .OrderBy(e => e.Sequence)
            .ToListAsync(cancellation).ConfigureAwait(false);
        foreach (var e in events)
        {
            streams[e.StreamKey!].Add(e);
        }

        return streams;
    }

    /// <summary>The current version of up to <paramref name="limit"/> streams, any of them.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> VersionsAsync(
        IQuerySession session, ReadModelTables tables, int limit, CancellationToken cancellation)
    {
        var versions = await session.AdvancedSql.QueryAsync<string, long>(
            $"select row(id), row(version) from {tables.Schema}.mt_streams where version is not null limit ?", cancellation, limit)
            .ConfigureAwait(false);
        return versions.ToDictionary(v => v.Item1, v => v.Item2, StringComparer.Ordinal);
    }

    /// <summary>
    /// The customers, in id order, with an event recorded after <paramref name="after"/> (when given) and by
    /// <paramref name="until"/> that meets <paramref name="condition"/>: SQL over the event row <c>e</c>, whose
    /// <paramref name="parameters"/> are numbered from $3. Read straight from the event log, row by row.
    /// </summary>
    public static IAsyncEnumerable<string> WithEventsAsync(
        NpgsqlDataSource dataSource, ReadModelTables tables, Instant? after, Instant until, string condition, IReadOnlyList<object> parameters,
        CancellationToken cancellation)
    {
        var command = dataSource.CreateCommand(
            $"select distinct e.stream_id from {tables.Schema}.mt_events e where ($1::timestamptz is null or e.timestamp > $1) " +
            $"and e.timestamp <= $2 and left(e.stream_id, 1) <> '~' and ({condition}) order by 1");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = until });
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return ReaderRows.ReadAsync(command, reader => reader.GetString(0), cancellation);
    }

    /// <summary>One customer's ledger, or null when nothing was ever recorded for the customer.</summary>
    public static async Task<CustomerLedger?> LedgerAsync(IQuerySession session, string customerId, CancellationToken cancellation)
    {
        var events = await session.Events.FetchStreamAsync(customerId, token: cancellation).ConfigureAwait(false);
        return events.Count == 0 ? null : CustomerLedger.FromEvents(customerId, events);
    }
}
