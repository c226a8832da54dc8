using System.Globalization;
using System.Runtime.CompilerServices;
using CustomerSuccess.Metrics.Arr;
using CustomerSuccess.Metrics.Bridge;
using CustomerSuccess.Metrics.CostOfRetention;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Periods;
using CustomerSuccess.Metrics.Retention;
using Npgsql;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Replay;

/// <summary>One value of a published figure that differs: which figure, asked how, which field, and both answers.</summary>
public sealed record FigureDifference(string Figure, string Query, string Field, string Live, string Replayed);

/// <summary>
/// The figures the API publishes, asked of two schemas by the very query code the endpoints use: ARR as of several
/// dates, a twelve-month bridge by month, retention over the trailing twelve months (to the log's last effective date
/// and to a year before it) and the cost of retention. Each is asked as known now and as known at four earlier recorded
/// instants. The dates and instants come from the log alone, so both schemas are asked the same questions and a
/// second run asks them again.
/// </summary>
public sealed class FigureComparison(NpgsqlDataSource queries)
{
    private sealed record Question(string Figure, string Query, Func<Asked, Task<IReadOnlyList<(string Field, object? Value)>>> Ask);

    /// <summary>The query code for one schema.</summary>
    private sealed class Asked
    {
        public Asked(NpgsqlDataSource dataSource, ReadModelTables tables)
        {
            Arr = new ArrAsOf(dataSource, tables);
            Bridge = new ArrBridge(dataSource, tables);
            var cohort = new RetentionCohort(dataSource, tables, Bridge);
            Retention = new RetentionRates(cohort);
            CostOfRetention = new CostOfRetentionQuery(dataSource, tables, cohort);
        }

        public ArrAsOf Arr { get; }

        public ArrBridge Bridge { get; }

        public RetentionRates Retention { get; }

        public CostOfRetentionQuery CostOfRetention { get; }
    }

    /// <summary>How many figures the last <see cref="DifferencesAsync"/> compared.</summary>
    public int Compared { get; private set; }

    /// <summary>
    /// Every value that differs between the two schemas' answers. The questions are chosen from the log in
    /// <paramref name="logSchema"/>; "known now" is as known at its last recorded instant, which is what a read without
    /// <c>knownAt</c> answers while nothing later is recorded.
    /// </summary>
    public async IAsyncEnumerable<FigureDifference> DifferencesAsync(
        string logSchema, ReadModelTables live, ReadModelTables replayed, [EnumeratorCancellation] CancellationToken cancellation)
    {
        Compared = 0;
        var (liveQueries, replayedQueries) = (new Asked(queries, live), new Asked(queries, replayed));
        foreach (var question in await QuestionsAsync(logSchema, cancellation).ConfigureAwait(false))
        {
            var liveAnswer = await question.Ask(liveQueries).ConfigureAwait(false);
            var replayedAnswer = await question.Ask(replayedQueries).ConfigureAwait(false);
            Compared++;
            foreach (var ((field, l), (_, r)) in liveAnswer.Zip(replayedAnswer))
            {
                if (!Equals(l, r))
                {
                    yield return new FigureDifference(question.Figure, question.Query, field, Text(l), Text(r));
                }
            }
        }
    }

    private async Task<List<Question>> QuestionsAsync(string logSchema, CancellationToken cancellation)
    {
        await using var command = queries.CreateCommand(
            "select min(d), max(d), percentile_disc(array[0, 0.25, 0.5, 0.75, 1]) within group (order by t) " +
            $"from (select coalesce(data->>'effectiveDate', data->>'date')::date as d, timestamp as t from {logSchema}.mt_events) e");
        command.CommandTimeout = 0;
        LocalDate first, last;
        Instant[] instants;
        await using (var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellation).ConfigureAwait(false);
            if (reader.IsDBNull(0))
            {
                return [];
            }

            (first, last) = (reader.GetFieldValue<LocalDate>(0), reader.GetFieldValue<LocalDate>(1));
            instants = reader.GetFieldValue<Instant[]>(2);
        }

        var now = instants[^1];
        var knownAts = instants[..^1].Distinct().Where(k => k != now).Select(k => (Instant?)k).Append(null).ToList();
        var lastMonth = new LocalDate(last.Year, last.Month, 1);
        var monthEnds = Enumerable.Range(0, 12).Select(i => lastMonth.PlusMonths(i - 11).PlusMonths(1).PlusDays(-1)).ToList();
        var asOfDates = monthEnds.Prepend(first).Append(last).Distinct().Order().ToList();
        var (bridgeFrom, bridgeTo) = (lastMonth.PlusMonths(-11), monthEnds[^1]);
        var years = new[] { last, last.PlusYears(-1) }.Select(to => (From: to.PlusYears(-1).PlusDays(1), To: to)).ToList();

        var questions = new List<Question>();
        foreach (var knownAt in knownAts)
        {
            var at = knownAt ?? now;
            var known = knownAt is { } k ? $"&knownAt={InstantPattern.ExtendedIso.Format(k)}" : "";
            foreach (var asOf in asOfDates)
            {
                questions.Add(new("arr", $"asOf={Date(asOf)}{known}", async q =>
                {
                    var f = await q.Arr.QueryAsync(asOf, at, null, cancellation).ConfigureAwait(false);
                    return [("arr", f.Arr), ("activeCustomers", f.ActiveCustomers)];
                }));
            }

            questions.Add(new("bridge", $"from={Date(bridgeFrom)}&to={Date(bridgeTo)}&interval=month{known}", async q =>
            {
                var f = await q.Bridge.QueryAsync(bridgeFrom, bridgeTo, ReportingInterval.Month, at, null, cancellation).ConfigureAwait(false);
                return [.. f.Entries.Append(f.Summary).SelectMany((e, i) => Fields(i < f.Entries.Count ? $"entries[{i}]." : "summary.", e))];
            }));

            foreach (var (from, to) in years)
            {
                var range = $"from={Date(from)}&to={Date(to)}{known}";
                questions.Add(new("retention", range, async q =>
                {
                    var f = await q.Retention.QueryAsync(from, to, at, null, cancellation).ConfigureAwait(false);
                    return
                    [
                        ("cohortCustomers", f.CohortCustomers), ("openingArr", f.OpeningArr), ("grossRenewalRate", f.GrossRenewalRate),
                        ("netRenewalRate", f.NetRenewalRate), ("logoRetention", f.LogoRetention), ("logoChurnRate", f.LogoChurnRate),
                        ("expansionRate", f.ExpansionRate), ("contractionRate", f.ContractionRate), ("revenueChurnRate", f.RevenueChurnRate),
                        ("quickRatio", f.QuickRatio), ("notes", string.Join(" ", f.Notes)),
                    ];
                }));
                questions.Add(new("cost-of-retention", range, async q =>
                {
                    var f = await q.CostOfRetention.QueryAsync(from, to, at, null, cancellation).ConfigureAwait(false);
                    return
                    [
                        ("totalCost", f.TotalCost), ("retainedCustomers", f.RetainedCustomers), ("costOfRetention", f.CostOfRetention),
                        ("byCategory", string.Join(" ", f.ByCategory.Select(c => $"{c.Key}={Text(c.Value)}"))),
                    ];
                }));
            }
        }

        return questions;
    }

    private static IEnumerable<(string Field, object? Value)> Fields(string prefix, BridgeEntry e) =>
    [
        ($"{prefix}openingArr", e.OpeningArr), ($"{prefix}newArr", e.NewArr), ($"{prefix}reactivationArr", e.ReactivationArr),
        ($"{prefix}expansionArr", e.ExpansionArr), ($"{prefix}contractionArr", e.ContractionArr), ($"{prefix}churnArr", e.ChurnArr),
        ($"{prefix}closingArr", e.ClosingArr),
    ];

    private static string Date(LocalDate date) => LocalDatePattern.Iso.Format(date);

    private static string Text(object? value) => value switch
    {
        null => "null",
        decimal d => d.ToString("0.############################", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
