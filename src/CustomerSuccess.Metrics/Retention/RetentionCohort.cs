using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Ledger;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Retention;

/// <summary>
/// The opening cohort of a period [from, to]: customers active at the end of from - 1 (in the segment,
/// when one is given, as of that day), with o_c = their ARR then and e_c = their whole ARR at to.
/// </summary>
public sealed record CohortFigures(
    int Customers,
    decimal OpeningArr,
    decimal RetainedArrCappedAtOpening,
    decimal ClosingArr,
    int RetainedCustomers);

public sealed class RetentionCohort(NpgsqlDataSource dataSource, ReadModelTables tables)
{
    public async Task<CohortFigures> QueryAsync(
        LocalDate from, LocalDate to, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        // e_c counts every segment: a cohort member that moves segment keeps its revenue in the cohort.
        var believed = new BelievedMovements(tables, knownAt, segment: null);
        await using var command = dataSource.CreateCommand();
        var fromParameter = BelievedMovements.Add(command, from);
        var toParameter = BelievedMovements.Add(command, to);
        var segmentParameter = BelievedMovements.Add(command, (object?)segment ?? DBNull.Value, "varchar");
        command.CommandText =
            "with customers as (" +
            "select sum(m.arr_delta) filter (where m.movement_date < " + fromParameter +
            $" and ({segmentParameter}::varchar is null or m.segment = {segmentParameter})) as opening, " +
            "sum(m.arr_delta) as closing " +
            $"from {believed.Table} m where m.movement_date <= {toParameter} and {believed.Filter(command)} " +
            "group by m.customer_id) " +
            "select count(*)::integer, coalesce(sum(opening), 0), coalesce(sum(least(opening, closing)), 0), " +
            "coalesce(sum(closing), 0), (count(*) filter (where closing > 0))::integer " +
            "from customers where opening > 0";

        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        await reader.ReadAsync(cancellation).ConfigureAwait(false);
        return new CohortFigures(reader.GetInt32(0), reader.GetDecimal(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetInt32(4));
    }
}
