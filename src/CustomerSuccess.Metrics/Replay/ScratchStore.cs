using CustomerSuccess.Metrics.Ledger;
using JasperFx.Events;
using Marten;
using Npgsql;

namespace CustomerSuccess.Metrics.Replay;

/// <summary>How much of the event log a scratch store holds: how many events, up to which sequence.</summary>
public sealed record LogExtent(long Events, long LastSequence);

/// <summary>
/// A store laid out exactly as the host's own (<see cref="MetricsStore.Configure"/>, same checkpoint interval and page
/// size), in a fresh schema of the same database with a name no other store has. It takes a copy of the host's event
/// log, row for row (sequences, versions and recorded instants included), and projects it with the host's own
/// <see cref="LedgerProjection"/>. Disposing it drops the schema, whatever happened before.
/// </summary>
public sealed class ScratchStore : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly DocumentStore _store;
    private readonly LedgerProjection _projection;
    private readonly int _pageSize;

    private ScratchStore(NpgsqlDataSource dataSource, DocumentStore store, ReadModelTables tables, StoreLayout layout)
    {
        _dataSource = dataSource;
        _store = store;
        Tables = tables;
        _pageSize = layout.RebuildPageSize;
        _projection = new LedgerProjection(tables, layout.CheckpointEveryEvents, layout.RebuildPageSize);
    }

    /// <summary>The scratch store's tables, in its own schema.</summary>
    public ReadModelTables Tables { get; }

    /// <summary>Creates the schema and every table the host's store has, empty.</summary>
    public static async Task<ScratchStore> CreateAsync(StoreLayout layout)
    {
        var schema = NameBeside(layout.Schema);
        var dataSource = MetricsStore.BuildDataSource(layout.ConnectionString);
        var options = new StoreOptions();
        options.Connection(dataSource);
        MetricsStore.Configure(options, schema, layout.CheckpointEveryEvents, layout.RebuildPageSize);
        var scratch = new ScratchStore(dataSource, new DocumentStore(options), new ReadModelTables(schema), layout);
        try
        {
            await scratch._store.Storage.ApplyAllConfiguredChangesToDatabaseAsync().ConfigureAwait(false);
            return scratch;
        }
        catch
        {
            await scratch.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// A schema name that starts with the host's own (cut short so the whole stays within PostgreSQL's 63 characters)
    /// and ends in 16 hex digits of a new random identifier.
    /// </summary>
    private static string NameBeside(string schema) =>
        $"{schema[..Math.Min(schema.Length, 32)]}_replay_{Guid.NewGuid().ToString("N")[..16]}".ToLowerInvariant();

    /// <summary>
    /// Copies the streams and events of <paramref name="source"/> in one snapshot of the database, so the copy is the
    /// log as it stood at one moment even while the host records.
    /// </summary>
    public async Task<LogExtent> CopyLogAsync(string source, CancellationToken cancellation)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellation).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellation)
            .ConfigureAwait(false);
        foreach (var table in (string[])["mt_streams", "mt_events"])
        {
            var columns = string.Join(", ", await SharedColumnsAsync(connection, source, table, cancellation).ConfigureAwait(false));
            await using var copy = connection.CreateCommand();
            copy.CommandText = $"insert into {Tables.Schema}.{table} ({columns}) select {columns} from {source}.{table}";
            copy.CommandTimeout = 0;
            await copy.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }

        var extent = await ExtentAsync(connection, Tables.Schema, cancellation).ConfigureAwait(false);
        await transaction.CommitAsync(cancellation).ConfigureAwait(false);
        return extent;
    }

    /// <summary>How many events the log in <paramref name="schema"/> holds, and its last sequence.</summary>
    public static async Task<LogExtent> ExtentAsync(NpgsqlConnection connection, string schema, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"select count(*), coalesce(max(seq_id), 0) from {schema}.mt_events";
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        await reader.ReadAsync(cancellation).ConfigureAwait(false);
        return new LogExtent(reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The columns of the scratch store's table that the source's table has too, in the scratch store's order.</summary>
    private async Task<List<string>> SharedColumnsAsync(
        NpgsqlConnection connection, string source, string table, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.CommandText =
            "select mine.column_name from information_schema.columns mine " +
            "join information_schema.columns theirs on theirs.column_name = mine.column_name and theirs.table_name = mine.table_name " +
            "where mine.table_schema = $1 and theirs.table_schema = $2 and mine.table_name = $3 order by mine.ordinal_position";
        command.Parameters.Add(new NpgsqlParameter { Value = Tables.Schema });
        command.Parameters.Add(new NpgsqlParameter { Value = source });
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            columns.Add($"\"{reader.GetString(0)}\"");
        }

        return columns;
    }

    /// <summary>
    /// Projects the copied log from its first event to its last, a page of <see cref="StoreLayout.RebuildPageSize"/>
    /// events at a time (more when a customer's events of one recorded instant would be cut), each page in a transaction
    /// of its own. Each page goes through the projection as a request's events do when they are recorded: the
    /// customers' tails are read in the session first, so the projection stores them and writes the ARR changes it
    /// learns to the feed. Nothing here reads the clock: every instant written is an event's recorded instant.
    /// </summary>
    public async Task ReplayAsync(CancellationToken cancellation)
    {
        var pending = new List<IEvent>();
        var after = 0L;
        while (true)
        {
            IReadOnlyList<IEvent> page;
            await using (var query = _store.QuerySession())
            {
                page = await query.Events.QueryAllRawEvents()
                    .Where(e => e.Sequence > after)
                    .OrderBy(e => e.Sequence)
                    .Take(_pageSize)
                    .ToListAsync(cancellation).ConfigureAwait(false);
            }

            if (page.Count == 0)
            {
                break;
            }

            after = page[^1].Sequence;
            pending.AddRange(page);
            var lastStep = LastStepStart(pending);
            if (lastStep > 0)
            {
                await ProjectAsync(pending[..lastStep], cancellation).ConfigureAwait(false);
                pending.RemoveRange(0, lastStep);
            }
        }

        if (pending.Count > 0)
        {
            await ProjectAsync(pending, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Where the last run of events of one stream and one recorded instant begins: a knowledge step, which the page
    /// keeps whole for the next one, as the write side projects a request's events together.
    /// </summary>
    private static int LastStepStart(List<IEvent> events)
    {
        var start = events.Count - 1;
        while (start > 0 && events[start - 1].StreamKey == events[start].StreamKey && events[start - 1].Timestamp == events[start].Timestamp)
        {
            start--;
        }

        return start;
    }

    private async Task ProjectAsync(IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        await using var session = _store.LightweightSession();
        var customers = events.Select(e => e.StreamKey!).Where(StreamKeys.IsCustomer).Distinct(StringComparer.Ordinal).ToList();
        await CustomerTails.LoadAsync(session, Tables, customers, cancellation).ConfigureAwait(false);
        await _projection.ApplyAsync(session, events, cancellation).ConfigureAwait(false);
        await session.SaveChangesAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Drops the schema and everything in it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var drop = _dataSource.CreateCommand($"drop schema if exists {Tables.Schema} cascade");
            await drop.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _store.Dispose();
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }
}
