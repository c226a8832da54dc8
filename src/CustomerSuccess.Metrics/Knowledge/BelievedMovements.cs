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
    /// columns movement_date, segment, kind, amount, arr_delta, logo_delta: the daily totals believed now,
    /// less rows learnt after knownAt, plus rows believed at knownAt that were given up since. For a
    /// recent knownAt both corrections are empty and the answer comes from the small daily table alone.
    /// </summary>
    public string DailyTotals(NpgsqlCommand command)
    {
        var k = Add(command, knownAt);
        var s = Add(command, (object?)segment ?? DBNull.Value, "varchar");
        var segmentMatch = $"({s}::varchar is null or segment = {s})";
        return
            $"(select movement_date, kind, amount, arr_delta, logo_delta from {tables.DailyTotals} where {segmentMatch} " +
            $"union all select movement_date, kind, -amount, -arr_delta, -logo_delta from {tables.Movements} " +
            $"where known_to is null and known_from > {k} and {segmentMatch} " +
            $"union all select movement_date, kind, amount, arr_delta, logo_delta from {tables.Movements} " +
            $"where known_to is not null and known_to > {k} and known_from <= {k} and {segmentMatch})";
    }

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
