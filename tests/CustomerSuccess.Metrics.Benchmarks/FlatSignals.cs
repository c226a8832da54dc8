using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// The floor of the signal figures: hand-written SQL over flat, covering-indexed copies of the signal rows and the
/// customer-detail rows (and, for health, the movement rows of <see cref="FlatMovements"/>), read straight through
/// Npgsql; the counting is done in SQL, the health scores in C# by <see cref="Definitions"/>.
/// </summary>
internal sealed class FlatSignals(NpgsqlDataSource dataSource, string schema)
{
    private const string NpsAnswered = "survey.nps_answered";
    private const string CsatAnswered = "survey.csat_answered";
    private const string UsageReported = "usage.reported";
    private const string EngagementRecorded = "engagement.recorded";
    private const string RiskFlagged = "risk.flagged";
    private const string RiskCleared = "risk.cleared";
    private const string CustomerAssigned = "customer.assigned";

    private string Signals => $"{schema}.flat_signals";

    private string Details => $"{schema}.flat_details";

    private string Movements => $"{schema}.flat_movements";

    /// <summary>
    /// Copies the signal and customer-detail rows once: the signals under two covering indexes led by type and date (one
    /// partial for the rows believed now, one with the knowledge interval), the details by customer and date. Vacuumed so
    /// that the indexes are read by index-only scans.
    /// </summary>
    public async Task CreateAsync(CancellationToken cancellation)
    {
        const string covered = "customer_id, sequence, respondent_id, score, scale, licensed_seats, active_users, label, severity, csm";
        await FloorSql.ExecuteAsync(dataSource,
        [
            $"create table {Signals} as select type, effective_date, {covered}, known_from, known_to from {schema}.cs_signals",
            $"create index flat_signals_now on {Signals} (type, effective_date) include ({covered}) where known_to is null",
            $"create index flat_signals_known on {Signals} (type, effective_date) include (known_from, known_to, {covered})",
            $"create table {Details} as select customer_id, effective_date, segment, csm, known_from, known_to from {schema}.cs_customer_details",
            $"create index flat_details_customer on {Details} (customer_id, effective_date) include (segment, csm, known_from, known_to)",
            $"vacuum analyze {Signals}",
            $"vacuum analyze {Details}",
        ], cancellation);
    }

    /// <summary>
    /// NPS over [from, to] in one statement: each respondent's latest answer, counted by class overall and by the segment,
    /// CSM and touch model of its customer at <paramref name="to"/> (grouping sets), and each month's latest answers by month.
    /// </summary>
    public async Task<Figure> NpsAsync(LocalDate from, LocalDate to, Instant? knownAt, CancellationToken cancellation)
    {
        await using var command = dataSource.CreateCommand();
        var (f, t) = (FloorSql.Parameter(command, from), FloorSql.Parameter(command, to));
        command.CommandText =
            $"""
            with answers as materialized (
                select customer_id, respondent_id, effective_date, sequence, score from {Signals}
                where type = '{NpsAnswered}' and effective_date between {f} and {t} and {FloorSql.Believed(command, knownAt)}),
            latest as (
                select distinct on (customer_id, respondent_id) customer_id, score from answers
                order by customer_id, respondent_id, effective_date desc, sequence desc),
            monthly as (
                select distinct on (greatest(date_trunc('month', effective_date)::date, {f}), customer_id, respondent_id)
                       greatest(date_trunc('month', effective_date)::date, {f}) as month, score
                from answers order by greatest(date_trunc('month', effective_date)::date, {f}), customer_id, respondent_id, effective_date desc, sequence desc),
            answering as (select distinct customer_id from latest),
            {AccountsSql(command, t, knownAt, "answering")},
            counted as (select l.score, a.segment, a.csm, a.touch_model from latest l left join accounts a using (customer_id))
            select case when grouping(segment) = 0 then 'segment' when grouping(csm) = 0 then 'csm' when grouping(touch_model) = 0 then 'touchModel' else 'total' end,
                   coalesce(segment, csm, touch_model), null::date,
                   (count(*) filter (where score >= 9))::integer, (count(*) filter (where score between 7 and 8))::integer, (count(*) filter (where score <= 6))::integer
            from counted group by grouping sets ((), (segment), (csm), (touch_model))
            union all
            select 'month', null, month,
                   (count(*) filter (where score >= 9))::integer, (count(*) filter (where score between 7 and 8))::integer, (count(*) filter (where score <= 6))::integer
            from monthly group by month
            """;

        var months = Definitions.Months(from, to).ToDictionary(m => m.From, m => $"{m.From:yyyy-MM-dd}..{m.To:yyyy-MM-dd}");
        var counts = new Dictionary<string, (int, int, int)>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            var dimension = reader.GetString(0);
            var key = dimension switch
            {
                "total" => "total",
                "month" => months[reader.GetFieldValue<LocalDate>(2)],
                _ => Definitions.NpsGroup(dimension, reader.IsDBNull(1) ? null : reader.GetString(1)),
            };
            counts[key] = (reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5));
        }

        return Definitions.NpsFromCounts(counts, from, to);
    }

    /// <summary>
    /// The health distribution as of a date: one query per input on one connection (the active customers with their ARR
    /// then and 90 days before and who they are; each one's latest fresh usage report; its last touch; its survey answers
    /// of the 180 days; its open risks), then each customer scored in C#.
    /// </summary>
    public async Task<Figure> HealthAsync(LocalDate asOf, Instant? knownAt, CancellationToken cancellation)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellation);
        var customers = new Dictionary<string, (Account Account, decimal Arr, decimal Before)>(StringComparer.Ordinal);
        await ReadAsync(connection, (command, a) =>
            $"""
            with active as (
                select customer_id, sum(arr_delta) as arr, coalesce(sum(arr_delta) filter (where movement_date <= {FloorSql.Parameter(command, asOf.PlusDays(-Definitions.ArrTrendDays))}), 0) as arr_before
                from {Movements} where movement_date <= {a} and {FloorSql.Believed(command, knownAt)} group by customer_id having sum(arr_delta) > 0),
            {AccountsSql(command, a, knownAt, "active")}
            select customer_id, arr, arr_before, segment, csm, touch_model from active left join accounts using (customer_id)
            """,
            r => customers[r.GetString(0)] = (new Account(Text(r, 3), Text(r, 4), Text(r, 5)), r.GetDecimal(1), r.GetDecimal(2)),
            asOf, cancellation);

        var usage = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        await ReadAsync(connection, (command, a) =>
            $"select distinct on (customer_id) customer_id, licensed_seats, active_users from {Signals} " +
            $"where type = '{UsageReported}' and effective_date between {FloorSql.Parameter(command, asOf.PlusDays(-Definitions.UsageFreshDays))} and {a} " +
            $"and {FloorSql.Believed(command, knownAt)} order by customer_id, effective_date desc, sequence desc",
            r => usage[r.GetString(0)] = (r.GetInt32(1), r.GetInt32(2)), asOf, cancellation);

        var touched = new Dictionary<string, LocalDate>(StringComparer.Ordinal);
        await ReadAsync(connection, (command, a) =>
            $"select customer_id, max(effective_date) from {Signals} where type = '{EngagementRecorded}' and effective_date <= {a} " +
            $"and {FloorSql.Believed(command, knownAt)} group by customer_id",
            r => touched[r.GetString(0)] = r.GetFieldValue<LocalDate>(1), asOf, cancellation);

        var answers = new Dictionary<string, List<decimal>>(StringComparer.Ordinal);
        await ReadAsync(connection, (command, a) =>
        {
            var from = FloorSql.Parameter(command, asOf.PlusDays(1 - Definitions.SatisfactionDays));
            return $"select * from (select distinct on (customer_id, respondent_id) customer_id, score, null::varchar as scale from {Signals} " +
                   $"where type = '{NpsAnswered}' and effective_date between {from} and {a} and {FloorSql.Believed(command, knownAt)} " +
                   "order by customer_id, respondent_id, effective_date desc, sequence desc) nps " +
                   $"union all select customer_id, score, scale from {Signals} " +
                   $"where type = '{CsatAnswered}' and effective_date between {from} and {a} and {FloorSql.Believed(command, knownAt)}";
        },
        r => Add(answers, r.GetString(0), r.IsDBNull(2) ? r.GetInt32(1) * 10m : Definitions.CsatOn100(r.GetInt32(1), r.GetString(2))),
        asOf, cancellation);

        var risks = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await ReadAsync(connection, (command, a) =>
            $"select customer_id, severity from (select distinct on (customer_id, label) customer_id, type, severity from {Signals} " +
            $"where type in ('{RiskFlagged}', '{RiskCleared}') and effective_date <= {a} and {FloorSql.Believed(command, knownAt)} " +
            $"order by customer_id, label, effective_date desc, sequence desc) latest where type = '{RiskFlagged}'",
            r => Add(risks, r.GetString(0), r.GetString(1)), asOf, cancellation);

        return Definitions.Health(customers.Select(c => new HealthInputs(
            c.Key, c.Value.Account, c.Value.Arr, c.Value.Before, usage.TryGetValue(c.Key, out var u) ? u : null,
            touched.TryGetValue(c.Key, out var last) ? Period.Between(last, asOf, PeriodUnits.Days).Days : null,
            answers.GetValueOrDefault(c.Key) ?? [], risks.GetValueOrDefault(c.Key) ?? [])));
    }

    /// <summary>
    /// SQL common table expressions ending in <c>accounts(customer_id, segment, csm, touch_model)</c> for the customers of the
    /// CTE <paramref name="customers"/>, at the date <paramref name="asOf"/>: the segment of the latest detail row; the CSM of
    /// the latest assignment, unless a contract event changed the CSM after it (a contract event's CSM counts from the day it
    /// changed, and on the same day the assignment wins); the touch model of the latest assignment.
    /// </summary>
    private string AccountsSql(NpgsqlCommand command, string asOf, Instant? knownAt, string customers) =>
        $"""
        segments as (
            select distinct on (d.customer_id) d.customer_id, d.segment from {Details} d join {customers} using (customer_id)
            where d.effective_date <= {asOf} and d.segment is not null and {FloorSql.Believed(command, knownAt, "d")}
            order by d.customer_id, d.effective_date desc),
        csm_changes as (
            select distinct on (customer_id) customer_id, effective_date, csm from (
                select d.customer_id, d.effective_date, d.csm, lag(d.csm) over (partition by d.customer_id order by d.effective_date) as previous
                from {Details} d join {customers} using (customer_id)
                where d.effective_date <= {asOf} and d.csm is not null and {FloorSql.Believed(command, knownAt, "d")}) given
            where previous is distinct from csm order by customer_id, effective_date desc),
        assignments as (
            select distinct on (s.customer_id) s.customer_id, s.effective_date, s.csm, s.scale as touch_model from {Signals} s join {customers} using (customer_id)
            where s.type = '{CustomerAssigned}' and s.effective_date <= {asOf} and {FloorSql.Believed(command, knownAt, "s")}
            order by s.customer_id, s.effective_date desc, s.sequence desc),
        accounts as (
            select c.customer_id, g.segment,
                   case when a.customer_id is not null and (m.customer_id is null or a.effective_date >= m.effective_date) then a.csm else m.csm end as csm,
                   a.touch_model
            from {customers} c left join segments g on g.customer_id = c.customer_id left join csm_changes m on m.customer_id = c.customer_id
            left join assignments a on a.customer_id = c.customer_id)
        """;

    private static async Task ReadAsync(
        NpgsqlConnection connection, Func<NpgsqlCommand, string, string> sql, Action<NpgsqlDataReader> read, LocalDate asOf, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql(command, FloorSql.Parameter(command, asOf));
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            read(reader);
        }
    }

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }
}
