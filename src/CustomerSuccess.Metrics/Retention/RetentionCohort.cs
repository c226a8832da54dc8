using CustomerSuccess.Metrics.Arr;
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

/// <summary>
/// A cohort member without a movement inside the period ends it where it began (e_c = o_c), so the
/// cohort is the opening totals adjusted by the members that moved: for each, o_c is the ARR before
/// its first movement in the period and e_c the ARR after its last. Only the period's rows are read.
/// </summary>
public sealed class RetentionCohort(NpgsqlDataSource dataSource, ReadModelTables tables, ArrAsOf arrAsOf)
{
    public async Task<CohortFigures> QueryAsync(
        LocalDate from, LocalDate to, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        var opening = await arrAsOf.QueryAsync(from.PlusDays(-1), knownAt, segment, cancellation).ConfigureAwait(false);

        // Rows of every segment: a member that changes segment during the period keeps its revenue in the cohort.
        var believed = new BelievedMovements(tables, knownAt, segment: null);
        await using var command = dataSource.CreateCommand();
        var fromParameter = BelievedMovements.Add(command, from);
        var toParameter = BelievedMovements.Add(command, to);
        var segmentParameter = BelievedMovements.Add(command, (object?)segment ?? DBNull.Value, "varchar");
        command.CommandText =
            "with moved as (select m.customer_id, m.movement_date, m.arr_before, m.arr_after, m.segment_before " +
            $"from {believed.Table} m where m.movement_date between {fromParameter} and {toParameter} and {believed.Filter(command)}), " +
            "firsts as (select distinct on (customer_id) customer_id, arr_before as o, segment_before from moved " +
            "order by customer_id, movement_date), " +
            "lasts as (select distinct on (customer_id) customer_id, arr_after as e from moved " +
            "order by customer_id, movement_date desc) " +
            "select coalesce(sum(e - o), 0), coalesce(sum(greatest(o - e, 0)), 0), (count(*) filter (where e = 0))::integer " +
            "from firsts join lasts using (customer_id) " +
            $"where o > 0 and ({segmentParameter}::varchar is null or segment_before = {segmentParameter})";

        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        await reader.ReadAsync(cancellation).ConfigureAwait(false);
        var (change, shortfall, lost) = (reader.GetDecimal(0), reader.GetDecimal(1), reader.GetInt32(2));
        return new CohortFigures(opening.ActiveCustomers, opening.Arr, opening.Arr - shortfall, opening.Arr + change,
            opening.ActiveCustomers - lost);
    }
}
