using System.Text.Json.Nodes;
using NodaTime;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>One NPS answer as known: a respondent of a customer, its date, its place in the recorded order and its score.</summary>
internal sealed record NpsAnswer(string CustomerId, string RespondentId, LocalDate Date, long Sequence, int Score);

/// <summary>Who a customer is at a period's end: its segment, CSM and touch model, each null when never given.</summary>
internal sealed record Account(string? Segment, string? Csm, string? TouchModel);

/// <summary>
/// What one customer's health is scored from as of a date: ARR then and 90 days before, its latest usage report of the
/// 90 days to the date, the days since its last touch, its survey answers of the 180 days to the date on 0–100, and the
/// severities of its open risks.
/// </summary>
internal sealed record HealthInputs(
    string CustomerId,
    Account Account,
    decimal Arr,
    decimal ArrBefore,
    (int Seats, int ActiveUsers)? Usage,
    int? DaysSinceTouch,
    IReadOnlyList<decimal> Satisfaction,
    IReadOnlyList<string> OpenRisks);

/// <summary>The NPS, CSAT and health-score figures, by the engine's documented rules and its default health model.</summary>
internal static partial class Definitions
{
    public const int UsageFreshDays = 90;
    public const int SatisfactionDays = 180;
    public const int ArrTrendDays = 90;
    public const decimal AdoptionTarget = 0.8m;

    private const string NoValue = "(none)";

    private static readonly (string Name, decimal Weight)[] HealthWeights =
        [("adoption", 30m), ("engagement", 20m), ("satisfaction", 20m), ("risk", 15m), ("arrTrend", 15m)];

    /// <summary>Adoption buckets: each from its lower bound up to below the next; 80-100% takes 100% itself, and only more is over 100%.</summary>
    private static readonly (string Name, Func<decimal, bool> Holds)[] AdoptionRanges =
    [
        ("0-20%", a => a < 0.2m), ("20-40%", a => a >= 0.2m && a < 0.4m), ("40-60%", a => a >= 0.4m && a < 0.6m),
        ("60-80%", a => a >= 0.6m && a < 0.8m), ("80-100%", a => a >= 0.8m && a <= 1m), ("over 100%", a => a > 1m),
    ];

    /// <summary>
    /// NPS over [from, to]: each respondent's latest answer counts once (latest dated, then latest recorded); promoters
    /// 9–10, passives 7–8, detractors 0–6; NPS = (promoters − detractors) × 100 / answers. Grouped by the segment, CSM and
    /// touch model of each customer at <paramref name="to"/>, and month by month with each respondent's latest of the month.
    /// </summary>
    public static Figure Nps(IReadOnlyList<NpsAnswer> answers, IReadOnlyDictionary<string, Account> accounts, LocalDate from, LocalDate to)
    {
        var counted = Latest(answers.Where(a => a.Date >= from && a.Date <= to));
        var figure = AddNps(new Figure(), "total", counted.Select(a => a.Score));
        foreach (var (dimension, of) in (IEnumerable<(string, Func<Account, string?>)>)
                 [("segment", a => a.Segment), ("csm", a => a.Csm), ("touchModel", a => a.TouchModel)])
        {
            foreach (var group in counted.GroupBy(a => accounts.TryGetValue(a.CustomerId, out var account) ? of(account) : null))
            {
                AddNps(figure, $"{dimension}.{group.Key ?? NoValue}", group.Select(a => a.Score));
            }
        }

        foreach (var (start, end) in Months(from, to))
        {
            AddNps(figure, $"{start:yyyy-MM-dd}..{end:yyyy-MM-dd}", Latest(answers.Where(a => a.Date >= start && a.Date <= end)).Select(a => a.Score));
        }

        return figure;
    }

    /// <summary>The NPS figure from the counts of promoters, passives and detractors of each group, for a baseline that counts in SQL.</summary>
    public static Figure NpsFromCounts(IReadOnlyDictionary<string, (int Promoters, int Passives, int Detractors)> counts, LocalDate from, LocalDate to)
    {
        var figure = new Figure();
        foreach (var (key, (promoters, passives, detractors)) in counts.Where(c => !c.Key.Contains("..", StringComparison.Ordinal)))
        {
            AddNps(figure, key, promoters, passives, detractors);
        }

        foreach (var (start, end) in Months(from, to))
        {
            var (promoters, passives, detractors) = counts.GetValueOrDefault($"{start:yyyy-MM-dd}..{end:yyyy-MM-dd}");
            AddNps(figure, $"{start:yyyy-MM-dd}..{end:yyyy-MM-dd}", promoters, passives, detractors);
        }

        return figure;
    }

    public static string NpsGroup(string dimension, string? value) => $"{dimension}.{value ?? NoValue}";

    public static Figure NpsFromApi(JsonNode body)
    {
        var figure = AddNpsFromApi(new Figure(), "total", body);
        foreach (var group in body["groups"]!.AsArray())
        {
            AddNpsFromApi(figure, NpsGroup(group!["dimension"]!.GetValue<string>(), group["value"]?.GetValue<string>()), group);
        }

        foreach (var period in body["series"]!.AsArray())
        {
            AddNpsFromApi(figure, $"{period!["from"]!.GetValue<string>()}..{period["to"]!.GetValue<string>()}", period);
        }

        return figure;
    }

    /// <summary>A CSAT answer on 0–100: (score − lowest) × 100 / (highest − lowest) of its scale, 1-5 or 1-100.</summary>
    public static decimal CsatOn100(int score, string scale) => scale == "1-5" ? (score - 1) * 100m / 4 : (score - 1) * 100m / 99;

    /// <summary>
    /// The health score: each input scored 0–100 and weighted (adoption 30, engagement 20, satisfaction 20, risk 15, ARR
    /// trend 15); an input with nothing to measure takes no part, and each that does contributes weight × score / the
    /// weights taking part. Adoption: active users / seats against the target 0.8, capped at 100. Engagement: 100 within
    /// the touch model's cadence (high 30 days, low 90, tech 180, none 90), falling to 0 at twice it; no touch at all
    /// scores 0. Satisfaction: the mean answer. Risk: 100 less 50, 25 or 10 for each open high, medium or low risk, not below
    /// 0. ARR trend: ARR now / ARR 90 days before, 100 at 1 or more, 0 at a half or less.
    /// </summary>
    public static decimal HealthScore(HealthInputs c)
    {
        decimal? adoption = c.Usage is { } usage ? Math.Min(1m, (decimal)usage.ActiveUsers / usage.Seats / AdoptionTarget) * 100m : null;
        var cadence = c.Account.TouchModel switch { "high" => 30, "low" => 90, "tech" => 180, _ => 90 };
        decimal engagement = c.DaysSinceTouch is not { } days ? 0m
            : days <= cadence ? 100m
            : Math.Max(0m, (2m * cadence - days) * 100m / cadence);
        decimal? satisfaction = c.Satisfaction.Count == 0 ? null : c.Satisfaction.Sum() / c.Satisfaction.Count;
        var risk = Math.Max(0m, 100m - c.OpenRisks.Sum(s => s switch { "high" => 50m, "medium" => 25m, _ => 10m }));
        decimal? trend = c.ArrBefore <= 0m ? null : c.Arr / c.ArrBefore >= 1m ? 100m : Math.Max(0m, (c.Arr / c.ArrBefore - 0.5m) * 200m);

        decimal?[] scores = [adoption, engagement, satisfaction, risk, trend];
        var weights = HealthWeights.Where((_, i) => scores[i] is not null).Sum(w => w.Weight);
        return HealthWeights.Select((w, i) => scores[i] is { } s ? w.Weight * s / weights : 0m).Sum();
    }

    public static string Band(decimal score) => score >= 70m ? "green" : score >= 40m ? "yellow" : "red";

    /// <summary>
    /// The health distribution of the customers active on the date (ARR above 0): band counts overall, per segment and per
    /// CSM; adoption across those with a usage report (mean, median, at the target, buckets); and the lowest score, of the
    /// lowest customer id among equals.
    /// </summary>
    public static Figure Health(IEnumerable<HealthInputs> customers)
    {
        var scored = customers.Where(c => c.Arr > 0m).Select(c => (Customer: c, Score: HealthScore(c))).ToList();
        var figure = new Figure();
        AddBands(figure, "distribution", scored.Select(s => s.Score));
        foreach (var segment in scored.GroupBy(s => s.Customer.Account.Segment))
        {
            AddBands(figure, $"segment.{segment.Key ?? NoValue}", segment.Select(s => s.Score));
        }

        foreach (var csm in scored.GroupBy(s => s.Customer.Account.Csm))
        {
            AddBands(figure, $"csm.{csm.Key ?? NoValue}", csm.Select(s => s.Score));
        }

        var adoption = scored.Where(s => s.Customer.Usage is not null)
            .Select(s => (decimal)s.Customer.Usage!.Value.ActiveUsers / s.Customer.Usage!.Value.Seats).Order().ToList();
        decimal? median = adoption.Count == 0 ? null
            : adoption.Count % 2 == 1 ? adoption[adoption.Count / 2] : (adoption[adoption.Count / 2 - 1] + adoption[adoption.Count / 2]) / 2m;
        figure.Add("adoption.reporting", adoption.Count)
            .AddRate("adoption.mean", adoption.Count == 0 ? null : adoption.Sum() / adoption.Count)
            .AddRate("adoption.median", median)
            .Add("adoption.atTarget", adoption.Count(a => a >= AdoptionTarget));
        foreach (var (name, holds) in AdoptionRanges)
        {
            figure.Add($"adoption.{name}", adoption.Count(holds));
        }

        figure.Add("total", scored.Count);
        if (scored.OrderBy(s => s.Score).ThenBy(s => s.Customer.CustomerId, StringComparer.Ordinal).FirstOrDefault() is { Customer: not null } lowest)
        {
            figure.AddScore($"lowest.{lowest.Customer.CustomerId}", lowest.Score);
        }

        return figure;
    }

    /// <summary>The health distribution as the API presents it, asked with <c>limit=1</c> so that it lists only the lowest customer.</summary>
    public static Figure HealthFromApi(JsonNode body)
    {
        var figure = new Figure();
        AddBandsFromApi(figure, "distribution", body["distribution"]!);
        foreach (var segment in body["bySegment"]!.AsArray())
        {
            AddBandsFromApi(figure, $"segment.{segment!["segment"]?.GetValue<string>() ?? NoValue}", segment);
        }

        foreach (var csm in body["byCsm"]!.AsArray())
        {
            AddBandsFromApi(figure, $"csm.{csm!["csm"]?.GetValue<string>() ?? NoValue}", csm);
        }

        var adoption = body["adoption"]!;
        figure.Add("adoption.reporting", Value(adoption, "reporting")).Add("adoption.mean", Value(adoption, "mean"))
            .Add("adoption.median", Value(adoption, "median")).Add("adoption.atTarget", Value(adoption, "atTarget"));
        foreach (var bucket in adoption["buckets"]!.AsArray())
        {
            figure.Add($"adoption.{bucket!["range"]!.GetValue<string>()}", Value(bucket, "customers"));
        }

        figure.Add("total", Value(body, "total"));
        foreach (var customer in body["customers"]!.AsArray())
        {
            figure.Add($"lowest.{customer!["customerId"]!.GetValue<string>()}", Value(customer, "score"));
        }

        return figure;
    }

    /// <summary>Each respondent's latest answer: the latest dated, and of one day the one recorded last.</summary>
    private static List<NpsAnswer> Latest(IEnumerable<NpsAnswer> answers) =>
        [.. answers.GroupBy(a => (a.CustomerId, a.RespondentId)).Select(g => g.MaxBy(a => (a.Date, a.Sequence))!)];

    private static Figure AddNps(Figure figure, string prefix, IEnumerable<int> scores)
    {
        var list = scores.ToList();
        return AddNps(figure, prefix, list.Count(s => s >= 9), list.Count(s => s is 7 or 8), list.Count(s => s <= 6));
    }

    private static Figure AddNps(Figure figure, string prefix, int promoters, int passives, int detractors)
    {
        var responses = promoters + passives + detractors;
        return figure.AddScore($"{prefix}.nps", responses == 0 ? null : (promoters - detractors) * 100m / responses)
            .Add($"{prefix}.responses", responses).Add($"{prefix}.promoters", promoters)
            .Add($"{prefix}.passives", passives).Add($"{prefix}.detractors", detractors);
    }

    private static Figure AddNpsFromApi(Figure figure, string prefix, JsonNode node)
    {
        foreach (var name in (string[])["nps", "responses", "promoters", "passives", "detractors"])
        {
            figure.Add($"{prefix}.{name}", Value(node, name));
        }

        return figure;
    }

    private static void AddBands(Figure figure, string prefix, IEnumerable<decimal> scores)
    {
        var bands = scores.Select(Band).ToList();
        figure.Add($"{prefix}.customers", bands.Count).Add($"{prefix}.red", bands.Count(b => b == "red"))
            .Add($"{prefix}.yellow", bands.Count(b => b == "yellow")).Add($"{prefix}.green", bands.Count(b => b == "green"));
    }

    private static void AddBandsFromApi(Figure figure, string prefix, JsonNode node)
    {
        foreach (var name in (string[])["customers", "red", "yellow", "green"])
        {
            figure.Add($"{prefix}.{name}", Value(node, name));
        }
    }
}
