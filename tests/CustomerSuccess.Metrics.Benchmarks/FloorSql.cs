using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>What the floor's hand-written SQL shares: positional parameters, and the rows of a flat copy believed at knownAt.</summary>
internal static class FloorSql
{
    /// <summary>
    /// Rows believed at knownAt; without one, the rows believed now, which each flat copy's partial index holds. Every flat
    /// copy keeps the knowledge interval of its rows as <c>known_from</c> and <c>known_to</c>.
    /// </summary>
    public static string Believed(NpgsqlCommand command, Instant? knownAt, string? alias = null)
    {
        var prefix = alias is null ? "" : alias + ".";
        if (knownAt is not { } k)
        {
            return $"{prefix}known_to is null";
        }

        var instant = Parameter(command, k);
        return $"{prefix}known_from <= {instant} and ({prefix}known_to is null or {prefix}known_to > {instant})";
    }

    public static string Parameter(NpgsqlCommand command, object value)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        return "$" + command.Parameters.Count;
    }

    public static async Task ExecuteAsync(NpgsqlDataSource dataSource, IEnumerable<string> statements, CancellationToken cancellation)
    {
        foreach (var sql in statements)
        {
            await using var command = dataSource.CreateCommand(sql);
            command.CommandTimeout = 0;
            await command.ExecuteNonQueryAsync(cancellation);
        }
    }
}
