using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// The practical floor: the best hand-written SQL over one flat, covering-indexed copy of the movement rows,
/// read straight through Npgsql. No HTTP, no JSON, no knowledge barrier and no daily summary table.
/// </summary>
internal sealed class FlatMovements(NpgsqlDataSource dataSource, string schema)
{
    private string Table => $"{schema}.flat_movements";

    /// <summary>
    /// Copies the movements once. Two covering indexes, both led by the movement date that every figure ranges
    /// over: one partial for the rows believed now, one with the knowledge interval for any earlier knownAt.
    /// Vacuumed so that both are read by index-only scans.
    /// </summary>
    public async Task CreateAsync(CancellationToken cancellation)
    {
        const string covered = "kind, amount, arr_delta, logo_delta, customer_id, arr_before, arr_after";
        await FloorSql.ExecuteAsync(dataSource,
        [
            $"create table {Table} as select customer_id, movement_date, kind, segment, amount, arr_delta, logo_delta, " +
            $"arr_before, arr_after, segment_before, known_from, known_to from {schema}.cs_arr_movements",
            $"create index flat_movements_now on {Table} (movement_date) include ({covered}) where known_to is null",
            $"create index flat_movements_known on {Table} (movement_date) include (known_from, known_to, {covered})",
            $"vacuum analyze {Table}",
        ], cancellation);
    }

    public async Task<Figure> ArrAsync(LocalDate asOf, Instant? knownAt, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand();
        command.CommandText =
            $"select coalesce(sum(arr_delta), 0), coalesce(sum(logo_delta), 0)::integer from {Table} " +
            $"where movement_date <= {FloorSql.Parameter(command, asOf)} and {FloorSql.Believed(command, knownAt)}";
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        return Definitions.Arr(reader.GetDecimal(0), reader.GetInt32(1));
    }

    /// <summary>ARR at each month end: movements summed per month (everything before the range in one row), then running totals.</summary>
    public async Task<Figure> SeriesAsync(LocalDate from, LocalDate to, Instant? knownAt, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand();
        var fromParameter = FloorSql.Parameter(command, from);
        command.CommandText =
            $"select case when movement_date < {fromParameter} then null else date_trunc('month', movement_date)::date end as month, " +
            $"sum(arr_delta), sum(logo_delta)::integer from {Table} " +
            $"where movement_date <= {FloorSql.Parameter(command, to)} and {FloorSql.Believed(command, knownAt)} group by 1 order by 1 nulls first";

        var months = new List<(LocalDate? Month, decimal Arr, int Logos)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                months.Add((reader.IsDBNull(0) ? null : reader.GetFieldValue<LocalDate>(0), reader.GetDecimal(1), reader.GetInt32(2)));
            }
        }

        var points = new List<(LocalDate, decimal, int)>();
        var (arr, logos, next) = (0m, 0, 0);
        foreach (var (_, end) in Definitions.Months(from, to))
        {
            for (; next < months.Count && (months[next].Month is null || months[next].Month <= end); next++)
            {
                arr += months[next].Arr;
                logos += months[next].Logos;
            }

            points.Add((end, arr, logos));
        }

        return Definitions.Series(points);
    }

    /// <summary>The opening is one plain sum over the rows before the range; only the range's rows are grouped by month and kind.</summary>
    public async Task<Figure> BridgeAsync(LocalDate from, LocalDate to, Instant? knownAt, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand();
        var fromParameter = FloorSql.Parameter(command, from);
        command.CommandText =
            $"select null::date, null::varchar, 0::numeric, coalesce(sum(arr_delta), 0) from {Table} " +
            $"where movement_date < {fromParameter} and {FloorSql.Believed(command, knownAt)} " +
            $"union all select date_trunc('month', movement_date)::date, kind, sum(amount), sum(arr_delta) from {Table} " +
            $"where movement_date between {fromParameter} and {FloorSql.Parameter(command, to)} and {FloorSql.Believed(command, knownAt)} group by 1, 2";

        var opening = 0m;
        var sums = new Dictionary<(LocalDate Month, string Kind), decimal>();
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
            {
                if (reader.IsDBNull(0))
                {
                    opening = reader.GetDecimal(3);
                }
                else
                {
                    sums[(reader.GetFieldValue<LocalDate>(0), reader.GetString(1))] = reader.GetDecimal(2);
                }
            }
        }

        var entries = new List<BridgeTotals>();
        var running = opening;
        foreach (var (start, end) in Definitions.Months(from, to))
        {
            var month = new LocalDate(start.Year, start.Month, 1);
            var entry = Reconcile(start, end, running, kind => sums.GetValueOrDefault((month, kind)));
            entries.Add(entry);
            running = entry.Closing;
        }

        var summary = Reconcile(from, to, opening, kind => sums.Where(s => s.Key.Kind == kind).Sum(s => s.Value));
        return Definitions.Bridge(entries, summary);
    }

    /// <summary>
    /// The cohort from the rows alone: its opening totals are every row before the period, summed straight off
    /// the index; a member that moved in the period starts at the ARR before its first move and ends at the ARR
    /// after its last; the bridge kinds are the period's rows summed. Only the period's rows are kept to be sorted.
    /// </summary>
    public async Task<Figure> RetentionAsync(LocalDate from, LocalDate to, Instant? knownAt, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand();
        var f = FloorSql.Parameter(command, from);
        command.CommandText =
            $"with opening as (select coalesce(sum(arr_delta), 0) as arr, coalesce(sum(logo_delta), 0)::integer as customers " +
            $"from {Table} where movement_date < {f} and {FloorSql.Believed(command, knownAt)}), " +
            $"period as materialized (select customer_id, movement_date, kind, amount, arr_delta, arr_before, arr_after from {Table} " +
            $"where movement_date between {f} and {FloorSql.Parameter(command, to)} and {FloorSql.Believed(command, knownAt)}), " +
            "firsts as (select distinct on (customer_id) customer_id, arr_before as o from period order by customer_id, movement_date), " +
            "lasts as (select distinct on (customer_id) customer_id, arr_after as e from period order by customer_id, movement_date desc), " +
            "cohort as (select coalesce(sum(e - o), 0) as change, coalesce(sum(greatest(o - e, 0)), 0) as shortfall, " +
            "(count(*) filter (where e = 0))::integer as lost from firsts join lasts using (customer_id) where o > 0), " +
            "kinds as (select coalesce(sum(amount) filter (where kind = 'new'), 0) as n, " +
            "coalesce(sum(amount) filter (where kind = 'reactivation'), 0) as r, coalesce(sum(amount) filter (where kind = 'expansion'), 0) as x, " +
            "coalesce(sum(amount) filter (where kind = 'contraction'), 0) as c, coalesce(sum(amount) filter (where kind = 'churn'), 0) as ch, " +
            "coalesce(sum(arr_delta), 0) as delta from period) " +
            "select opening.arr, opening.customers, cohort.change, cohort.shortfall, cohort.lost, kinds.n, kinds.r, kinds.x, kinds.c, kinds.ch, " +
            "kinds.delta from opening, cohort, kinds";

        await using var reader = await command.ExecuteReaderAsync(cancellation);
        await reader.ReadAsync(cancellation);
        var (openingArr, customers) = (reader.GetDecimal(0), reader.GetInt32(1));
        var (change, shortfall, lost) = (reader.GetDecimal(2), reader.GetDecimal(3), reader.GetInt32(4));
        var cohort = new CohortTotals(customers, openingArr, openingArr - shortfall, openingArr + change, customers - lost);
        var bridge = new BridgeTotals(from, to, openingArr, reader.GetDecimal(5), reader.GetDecimal(6), reader.GetDecimal(7),
            reader.GetDecimal(8), reader.GetDecimal(9), openingArr + reader.GetDecimal(10));
        return Definitions.Retention(cohort, bridge);
    }

    private static BridgeTotals Reconcile(LocalDate from, LocalDate to, decimal opening, Func<string, decimal> sum)
    {
        var (added, reactivated, expanded) = (sum("new"), sum("reactivation"), sum("expansion"));
        var (contracted, churned) = (sum("contraction"), sum("churn"));
        var closing = opening + added + reactivated + expanded - contracted - churned + sum("transfer_in") - sum("transfer_out");
        return new BridgeTotals(from, to, opening, added, reactivated, expanded, contracted, churned, closing);
    }
}
