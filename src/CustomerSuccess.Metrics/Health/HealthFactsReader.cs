using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Signals;
using Npgsql;
using NodaTime;

namespace CustomerSuccess.Metrics.Health;

/// <summary>
/// Reads the facts behind health scores for every customer, or one, as of a date and as known at an instant: one
/// set-based query per input over the movement and signal tables.
/// </summary>
public sealed class HealthFactsReader(NpgsqlDataSource dataSource, ReadModelTables tables, HealthModel model)
{
    public HealthModel Model => model;

    /// <summary>The facts of every customer known by the date (with details, signals or movements), keyed by customer id.</summary>
    public async Task<IReadOnlyDictionary<string, HealthFacts>> ReadAsync(
        LocalDate asOf, Instant knownAt, string? customerId, CancellationToken cancellation)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellation).ConfigureAwait(false);
        var accounts = new Dictionary<string, (string? Segment, string? Csm, string? TouchModel)>(StringComparer.Ordinal);
        var arr = new Dictionary<string, (decimal Now, decimal Before)>(StringComparer.Ordinal);
        var usage = new Dictionary<string, UsageFact>(StringComparer.Ordinal);
        var engaged = new Dictionary<string, LocalDate>(StringComparer.Ordinal);
        var satisfaction = new Dictionary<string, List<decimal>>(StringComparer.Ordinal);
        var risks = new Dictionary<string, List<OpenRisk>>(StringComparer.Ordinal);

        await ReadAsync(connection, $"with {Accounts.Cte(tables, "@asOf", oneCustomer: true)} select customer_id, segment, csm, touch_model from accounts a where {One("a")}",
            r => accounts[r.GetString(0)] = (Text(r, 1), Text(r, 2), Text(r, 3)), asOf, knownAt, customerId, cancellation).ConfigureAwait(false);
        await ReadAsync(connection,
            $"select m.customer_id, sum(m.arr_delta), coalesce(sum(m.arr_delta) filter (where m.movement_date <= @before), 0) " +
            $"from {tables.Movements} m where m.movement_date <= @asOf and {ReadModelTables.Believed("m")} and {One("m")} group by m.customer_id",
            r => arr[r.GetString(0)] = (r.GetDecimal(1), r.GetDecimal(2)), asOf, knownAt, customerId, cancellation).ConfigureAwait(false);
        await ReadAsync(connection,
            $"select distinct on (s.customer_id) s.customer_id, s.effective_date, s.licensed_seats, s.active_users, s.event_id from {tables.Signals} s " +
            $"where s.type = '{EventTypeNames.UsageReported}' and s.effective_date between @usageFrom and @asOf and {ReadModelTables.Believed("s")} and {One("s")} " +
            "order by s.customer_id, s.effective_date desc, s.sequence desc",
            r => usage[r.GetString(0)] = new UsageFact(r.GetFieldValue<LocalDate>(1), r.GetInt32(2), r.GetInt32(3), r.GetString(4)),
            asOf, knownAt, customerId, cancellation).ConfigureAwait(false);
        await ReadAsync(connection,
            $"select s.customer_id, max(s.effective_date) from {tables.Signals} s where s.type = '{EventTypeNames.EngagementRecorded}' " +
            $"and s.effective_date <= @asOf and {ReadModelTables.Believed("s")} and {One("s")} group by s.customer_id",
            r => engaged[r.GetString(0)] = r.GetFieldValue<LocalDate>(1), asOf, knownAt, customerId, cancellation).ConfigureAwait(false);
        // Each respondent's latest NPS answer in the window, and every CSAT answer in it.
        await ReadAsync(connection,
            $"select customer_id, score, scale from (select distinct on (s.customer_id, s.respondent_id) s.customer_id, s.score, null::varchar as scale " +
            $"from {tables.Signals} s where s.type = '{EventTypeNames.NpsAnswered}' and s.effective_date between @surveyFrom and @asOf " +
            $"and {ReadModelTables.Believed("s")} and {One("s")} order by s.customer_id, s.respondent_id, s.effective_date desc, s.sequence desc) nps " +
            $"union all select s.customer_id, s.score, s.scale from {tables.Signals} s where s.type = '{EventTypeNames.CsatAnswered}' " +
            $"and s.effective_date between @surveyFrom and @asOf and {ReadModelTables.Believed("s")} and {One("s")}",
            r => Add(satisfaction, r.GetString(0),
                r.IsDBNull(2) ? r.GetInt32(1) * 10m : CsatFigures.NormalisedScore(r.GetInt32(1), r.GetString(2))),
            asOf, knownAt, customerId, cancellation).ConfigureAwait(false);
        // A factor is open when the latest of its flags and clearings by the date is a flag.
        await ReadAsync(connection,
            $"select customer_id, label, severity, effective_date, event_id from (select distinct on (s.customer_id, s.label) s.* from {tables.Signals} s " +
            $"where s.type in ('{EventTypeNames.RiskFlagged}', '{EventTypeNames.RiskCleared}') and s.effective_date <= @asOf " +
            $"and {ReadModelTables.Believed("s")} and {One("s")} order by s.customer_id, s.label, s.effective_date desc, s.sequence desc) latest " +
            $"where type = '{EventTypeNames.RiskFlagged}' order by customer_id, label",
            r => Add(risks, r.GetString(0), new OpenRisk(r.GetString(1), r.GetString(2), r.GetFieldValue<LocalDate>(3), r.GetString(4))),
            asOf, knownAt, customerId, cancellation).ConfigureAwait(false);

        var ids = accounts.Keys.Concat(arr.Keys).Concat(usage.Keys).Concat(engaged.Keys).Concat(satisfaction.Keys).Concat(risks.Keys)
            .Distinct(StringComparer.Ordinal);
        return ids.ToDictionary(id => id, id =>
        {
            var (segment, csm, touchModel) = accounts.GetValueOrDefault(id);
            var (now, before) = arr.GetValueOrDefault(id);
            return new HealthFacts(id, segment, csm, touchModel, usage.GetValueOrDefault(id), engaged.TryGetValue(id, out var e) ? e : null,
                satisfaction.GetValueOrDefault(id) ?? [], risks.GetValueOrDefault(id) ?? [], now, before);
        }, StringComparer.Ordinal);
    }

    private static string One(string alias) => Accounts.One(alias);

    private static string? Text(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static void Add<T>(Dictionary<string, List<T>> map, string key, T value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }

    private async Task ReadAsync(
        NpgsqlConnection connection, string sql, Action<NpgsqlDataReader> read, LocalDate asOf, Instant knownAt, string? customerId,
        CancellationToken cancellation)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("asOf", asOf);
        command.Parameters.AddWithValue("knownAt", knownAt);
        command.Parameters.AddWithValue("before", asOf.PlusDays(-model.ArrTrendDays));
        command.Parameters.AddWithValue("usageFrom", asOf.PlusDays(-model.UsageFreshDays));
        command.Parameters.AddWithValue("surveyFrom", asOf.PlusDays(-model.SatisfactionDays + 1));
        command.Parameters.Add(new NpgsqlParameter("customer", NpgsqlTypes.NpgsqlDbType.Varchar) { Value = (object?)customerId ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            read(reader);
        }
    }
}
