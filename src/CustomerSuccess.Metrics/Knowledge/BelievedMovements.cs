using CustomerSuccess.Metrics.Ledger;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Knowledge;

/// <summary>
/// The movement rows believed at one knowledge instant, optionally for one segment: the single place
/// that turns (knownAt, segment) into SQL, so every figure reads the same set.
/// </summary>
public sealed class BelievedMovements(ReadModelTables tables, Instant knownAt, string? segment)
{
    public string Table => tables.Movements;

    /// <summary>A filter on the alias <c>m</c>; adds its two parameters to the command.</summary>
    public string Filter(NpgsqlCommand command)
    {
        var knownAtParameter = Add(command, knownAt);
        var segmentParameter = Add(command, (object?)segment ?? DBNull.Value, "varchar");
        return $"m.known_from <= {knownAtParameter} and (m.known_to is null or m.known_to > {knownAtParameter}) " +
               $"and ({segmentParameter}::varchar is null or m.segment = {segmentParameter})";
    }

    /// <summary>
    /// The same movements summed per day, segment and kind, as a relation for <c>from (...) m</c> with
    /// columns movement_date, segment, kind, amount, arr_delta, logo_delta, movements. When knownAt is later
    /// than every checkpoint: <see cref="FromTotalsNow"/>. Otherwise: the latest checkpoint at or before
    /// knownAt (none means nothing), plus rows learnt since and still believed at knownAt, less rows given up
    /// since. Either way the rows read beyond the totals are those of at most one checkpoint interval.
    /// </summary>
    public string DailyTotals(NpgsqlCommand command)
    {
        var k = Add(command, knownAt);
        var s = Add(command, (object?)segment ?? DBNull.Value, "varchar");
        var segmentMatch = $"({s}::varchar is null or segment = {s})";
        // The latest checkpoint by the key's index. As "exists ... where known_at > k" the planner expected a match
        // early in a scan of the table, but checkpoints are stored in the order they are taken: it read every older
        // one first, each time the relation used it (2 to 6 ms apiece for a knownAt in the middle of the log).
        var past = $"coalesce((select max(known_at) from {tables.Checkpoints}), '-infinity') > {k}";
        var checkpoint = $"coalesce((select max(known_at) from {tables.Checkpoints} where known_at <= {k}), '-infinity')";
        return
            $"({FromTotalsNow(tables, k, $"{segmentMatch} and not {past}")} " +
            $"union all select movement_date, segment, kind, amount, arr_delta, logo_delta, movements from {tables.Checkpoints} " +
            $"where known_at = {checkpoint} and {segmentMatch} and {past} " +
            $"union all select movement_date, coalesce(segment, ''), kind, amount, arr_delta, logo_delta, 1 from {tables.Movements} " +
            $"where known_from > {checkpoint} and known_from <= {k} and (known_to is null or known_to > {k}) and {segmentMatch} and {past} " +
            $"union all select movement_date, coalesce(segment, ''), kind, -amount, -arr_delta, -logo_delta, -1 from {tables.Movements} " +
            $"where known_to > {checkpoint} and known_to <= {k} and known_from <= {checkpoint} and {segmentMatch} and {past})";
    }

    /// <summary>
    /// The movements believed at <paramref name="knownAt"/> (a parameter or placeholder), summed per day,
    /// segment ('' for none) and kind, from what is believed now: the daily totals, less rows learnt after
    /// knownAt, plus rows believed at knownAt that were given up since. Columns as <see cref="DailyTotals"/>;
    /// <paramref name="condition"/> is added to every branch. Checkpoints are taken with it as well.
    /// </summary>
    public static string FromTotalsNow(ReadModelTables tables, string knownAt, string condition) =>
        $"select movement_date, segment, kind, amount, arr_delta, logo_delta, movements from {tables.DailyTotals} where {condition} " +
        $"union all select movement_date, coalesce(segment, ''), kind, -amount, -arr_delta, -logo_delta, -1 from {tables.Movements} " +
        $"where known_to is null and known_from > {knownAt} and {condition} " +
        $"union all select movement_date, coalesce(segment, ''), kind, amount, arr_delta, logo_delta, 1 from {tables.Movements} " +
        $"where known_to is not null and known_to > {knownAt} and known_from <= {knownAt} and {condition}";

    public static string Add(NpgsqlCommand command, object value, string? dataTypeName = null)
    {
        var parameter = new NpgsqlParameter { Value = value };
        if (dataTypeName is not null)
        {
            parameter.DataTypeName = dataTypeName;
        }

        command.Parameters.Add(parameter);
        return "$" + command.Parameters.Count;
    }
}
