using System.Runtime.CompilerServices;
using System.Text.Json;
using CustomerSuccess.Metrics.Ledger;
using Npgsql;

namespace CustomerSuccess.Metrics.Replay;

/// <summary>One compared column: its name, and the SQL that reads it when that is not the column as stored.</summary>
public sealed record ComparedColumn(string Name, string? Sql = null)
{
    public string Select => Sql is null ? Name : $"{Sql} as {Name}";
}

/// <summary>
/// A table as <see cref="ReadModelComparison"/> compares it: rows matched by <see cref="Key"/>, the other
/// <see cref="Columns"/> compared value by value, and only the rows <see cref="Where"/> selects (all when null).
/// </summary>
public sealed record ComparedTable(string Name, IReadOnlyList<ComparedColumn> Key, IReadOnlyList<ComparedColumn> Columns, string? Where = null);

/// <summary>A table, or one column of a compared table (<see cref="Column"/>), that is not compared, and why.</summary>
public sealed record LeftOut(string Table, string? Column, string Why);

/// <summary>
/// One difference between the live read models and the replayed ones: a column of a row found on both sides with
/// different values, or (<see cref="Column"/> null) a row found on one side only, the other side reading "(no row)".
/// </summary>
public sealed record RowDifference(string Table, string Key, string? Column, string Live, string Replayed);

/// <summary>
/// Every table the projection writes, compared between two schemas in the database itself: each side's rows less
/// the other's (<c>except all</c>, both ways), paired up by key and read in key order as they stream in, so memory
/// stays flat however large the store.
/// </summary>
public static class ReadModelComparison
{
    public const string NoRow = "(no row)";

    private static ComparedColumn[] Columns(params string[] names) => [.. names.Select(n => new ComparedColumn(n))];

    private static readonly string[] DailyTotalColumns = ["amount", "arr_delta", "logo_delta", "movements"];

    public static readonly IReadOnlyList<ComparedTable> Tables =
    [
        new(ReadModelTables.MovementsName,
            Columns("customer_id", "movement_date", "kind", "known_from"),
            Columns("customer_key", "segment", "amount", "arr_delta", "logo_delta", "event_ids", "arr_before", "arr_after",
                "segment_before", "known_to")),
        // A day, segment and kind whose movements have all been given up again sums to nothing: the same as no row.
        new(ReadModelTables.DailyTotalsName,
            Columns("movement_date", "segment", "kind"),
            Columns(DailyTotalColumns),
            "not (movements = 0 and amount = 0 and arr_delta = 0 and logo_delta = 0)"),
        new(ReadModelTables.CheckpointsName, Columns("known_at", "movement_date", "segment", "kind"), Columns(DailyTotalColumns)),
        new(ReadModelTables.RetentionCostsName, Columns("event_id"), Columns("cost_date", "category", "amount", "known_from", "known_to")),
        new(ReadModelTables.SignalsName, Columns("event_id"),
            Columns("type", "customer_id", "effective_date", "respondent_id", "score", "scale", "topic", "licensed_seats", "active_users", "label",
                "severity", "csm", "sequence", "known_from", "known_to")),
        new(ReadModelTables.ContractEventsName, Columns("event_id"),
            Columns("customer_id", "type", "sequence", "effective_date", "contract_id", "change", "amount", "term_end", "product", "reason",
                "name", "segment", "csm", "known_from", "known_to")),
        // Stored as json text; compared as jsonb, which does not depend on spacing or the order of keys.
        new(ReadModelTables.CustomerTailsName, Columns("customer_id"), [new ComparedColumn("data", "data::jsonb")]),
        new(ReadModelTables.EventReceiptsName, Columns("event_id"), Columns("type", "stream_key", "fingerprint", "voided_by")),
        new(ReadModelTables.CustomersName, Columns("customer_id"), Columns("known_from")),
        new(ReadModelTables.CustomerDetailsName, Columns("customer_id", "effective_date", "known_from"), Columns("name", "segment", "csm", "known_to")),
        new(ReadModelTables.RecordedInstantsName, Columns("recorded_at"), Columns("events", "customers", "first_stream", "last_stream")),
        // Rows have no key of their own: each is the n-th written for its customer at its recorded instant.
        new(ReadModelTables.ArrChangeFeedName,
            [new("recorded_at"), new("customer_id"), new("position", "row_number() over (partition by recorded_at, customer_id order by id)")],
            Columns("type", "body")),
    ];

    public static readonly IReadOnlyList<LeftOut> NotCompared =
    [
        new(ReadModelTables.ArrChangeFeedName, "id",
            "the number the database drew for the row: it orders rows, but skips values wherever a transaction rolled back"),
        new(ReadModelTables.ArrChangeFeedName, "published_at", "when the row was handed to the message bus, which a replay never does"),
        new(ReadModelTables.RecordingClockName, null,
            "the last instant the write side handed out, which may be one at which nothing was recorded; not kept from the log"),
        new(ReadModelTables.RefusedMessagesName, null, "messages from the bus that were refused, and so never reached the log"),
        new(ReadModelTables.ApiKeysName, null, "the API keys, which are managed, not derived from the log"),
    ];

    /// <summary>Every difference in every table, table by table in <see cref="Tables"/> order, each table's in key order.</summary>
    public static async IAsyncEnumerable<RowDifference> DifferencesAsync(
        NpgsqlDataSource dataSource, string liveSchema, string replayedSchema, [EnumeratorCancellation] CancellationToken cancellation)
    {
        foreach (var table in Tables)
        {
            await foreach (var difference in DifferencesAsync(dataSource, table, liveSchema, replayedSchema, cancellation).ConfigureAwait(false))
            {
                yield return difference;
            }
        }
    }

    private static async IAsyncEnumerable<RowDifference> DifferencesAsync(
        NpgsqlDataSource dataSource, ComparedTable table, string liveSchema, string replayedSchema,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        string Rows(string schema) =>
            $"select {string.Join(", ", table.Key.Concat(table.Columns).Select(c => c.Select))} from {schema}.{table.Name}" +
            (table.Where is null ? "" : $" where {table.Where}");

        var keys = table.Key.Select(k => k.Name).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(cancellation).ConfigureAwait(false);
        // Instants are printed in UTC, whatever the server's time zone.
        await using (var utc = new NpgsqlCommand("set time zone 'UTC'", connection))
        {
            await utc.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }

        await using var command = new NpgsqlCommand(
            $"with live as ({Rows(liveSchema)}), replayed as ({Rows(replayedSchema)}), " +
            "live_only as (select * from live except all select * from replayed), " +
            "replayed_only as (select * from replayed except all select * from live) " +
            "select to_jsonb(l)::text, to_jsonb(r)::text from live_only l full join replayed_only r on " +
            string.Join(" and ", keys.Select(k => $"l.{k} = r.{k}")) +
            " order by " + string.Join(", ", keys.Select(k => $"coalesce(l.{k}, r.{k})")), connection);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            using var live = reader.IsDBNull(0) ? null : JsonDocument.Parse(reader.GetString(0));
            using var replayed = reader.IsDBNull(1) ? null : JsonDocument.Parse(reader.GetString(1));
            var key = string.Join(", ", keys.Select(k => $"{k}={Text((live ?? replayed)!.RootElement.GetProperty(k))}"));
            if (live is null || replayed is null)
            {
                yield return new RowDifference(table.Name, key, null, RowText(table, live), RowText(table, replayed));
                continue;
            }

            foreach (var column in table.Columns.Select(c => c.Name))
            {
                var (l, r) = (live.RootElement.GetProperty(column), replayed.RootElement.GetProperty(column));
                if (!Same(l, r))
                {
                    yield return new RowDifference(table.Name, key, column, Text(l), Text(r));
                }
            }
        }
    }

    private static string RowText(ComparedTable table, JsonDocument? row) =>
        row is null ? NoRow : string.Join(", ", table.Columns.Select(c => $"{c.Name}={Text(row.RootElement.GetProperty(c.Name))}"));

    /// <summary>Numbers by value (10.0 is 10), everything else as written.</summary>
    private static bool Same(JsonElement live, JsonElement replayed) =>
        live.ValueKind == JsonValueKind.Number && replayed.ValueKind == JsonValueKind.Number
        && live.TryGetDecimal(out var l) && replayed.TryGetDecimal(out var r)
            ? l == r
            : live.ValueKind == replayed.ValueKind && live.GetRawText() == replayed.GetRawText();

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => "null",
        _ => value.GetRawText(),
    };
}
