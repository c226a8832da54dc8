using NodaTime;

namespace CustomerSuccess.Metrics.Health;

public static class HealthBands
{
    public const string Red = "red";
    public const string Yellow = "yellow";
    public const string Green = "green";

    public static readonly IReadOnlyList<string> All = [Red, Yellow, Green];

    public static string Of(decimal score, HealthModel model) =>
        score >= model.GreenFrom ? Green : score >= model.YellowFrom ? Yellow : Red;
}

/// <summary>The latest usage report of a customer: seats, active users, and the day it covers up to.</summary>
public sealed record UsageFact(LocalDate Date, int LicensedSeats, int ActiveUsers, string EventId)
{
    public decimal Adoption => (decimal)ActiveUsers / LicensedSeats;
}

public sealed record OpenRisk(string Factor, string Severity, LocalDate Since, string EventId);

/// <summary>What a customer's health is computed from, as of a date and as known at an instant.</summary>
public sealed record HealthFacts(
    string CustomerId,
    string? Segment,
    string? Csm,
    string? TouchModel,
    UsageFact? Usage,
    LocalDate? LastEngagement,
    IReadOnlyList<decimal> SatisfactionAnswers,
    IReadOnlyList<OpenRisk> Risks,
    decimal Arr,
    decimal ArrBefore);

/// <summary>
/// One input of a health score: its <see cref="Value"/> as measured (null when there is nothing to measure, and then it
/// takes no part), its own <see cref="Score"/> from 0 to 100, its configured <see cref="Weight"/>, and its
/// <see cref="Contribution"/>: weight × score ÷ the sum of the weights of the inputs that take part. The contributions add
/// up to the health score.
/// </summary>
public sealed record HealthInput(string Name, decimal? Value, decimal? Score, decimal Weight, decimal Contribution, string Basis);

public sealed record HealthResult(decimal Score, string Band, IReadOnlyList<HealthInput> Inputs);

/// <summary>The health score: a weighted mean of five inputs, each scored 0–100 (see docs/metrics.md, "Health score").</summary>
public static class HealthScore
{
    public const string Adoption = "adoption";
    public const string Engagement = "engagement";
    public const string Satisfaction = "satisfaction";
    public const string Risk = "risk";
    public const string ArrTrend = "arrTrend";

    public static HealthResult Compute(HealthFacts facts, LocalDate asOf, HealthModel model)
    {
        var measured = new List<(string Name, decimal? Value, decimal? Score, decimal Weight, string Basis)>
        {
            AdoptionInput(facts, model),
            EngagementInput(facts, asOf, model),
            SatisfactionInput(facts, model),
            RiskInput(facts, model),
            ArrTrendInput(facts, model),
        };
        var weights = measured.Where(m => m.Score is not null).Sum(m => m.Weight);
        var inputs = measured
            .Select(m => new HealthInput(m.Name, m.Value, m.Score, m.Weight,
                m.Score is { } s && weights > 0m ? m.Weight * s / weights : 0m, m.Basis))
            .ToList();
        var score = inputs.Sum(i => i.Contribution);
        return new HealthResult(score, HealthBands.Of(score, model), inputs);
    }

    private static (string, decimal?, decimal?, decimal, string) AdoptionInput(HealthFacts facts, HealthModel model) =>
        facts.Usage is { } usage
            ? (Adoption, usage.Adoption, Math.Min(1m, usage.Adoption / model.AdoptionTarget) * 100m, model.AdoptionWeight,
                FormattableString.Invariant(
                    $"{usage.ActiveUsers} active users of {usage.LicensedSeats} seats on {usage.Date:yyyy-MM-dd} ({usage.EventId}); full marks from {model.AdoptionTarget:0.##}"))
            : (Adoption, null, null, model.AdoptionWeight, $"no usage report in the {model.UsageFreshDays} days to the date");

    private static (string, decimal?, decimal?, decimal, string) EngagementInput(HealthFacts facts, LocalDate asOf, HealthModel model)
    {
        var cadence = model.CadenceDays(facts.TouchModel);
        if (facts.LastEngagement is not { } last)
        {
            return (Engagement, null, 0m, model.EngagementWeight, $"no touch recorded; expected every {cadence} days");
        }

        var days = Period.Between(last, asOf, PeriodUnits.Days).Days;
        var score = days <= cadence ? 100m : Math.Max(0m, (2m * cadence - days) * 100m / cadence);
        return (Engagement, days, score, model.EngagementWeight,
            $"{days} days since the last touch ({last:yyyy-MM-dd}); expected every {cadence} days, none after {2 * cadence} scores 0");
    }

    private static (string, decimal?, decimal?, decimal, string) SatisfactionInput(HealthFacts facts, HealthModel model)
    {
        if (facts.SatisfactionAnswers.Count == 0)
        {
            return (Satisfaction, null, null, model.SatisfactionWeight, $"no survey answer in the {model.SatisfactionDays} days to the date");
        }

        var mean = facts.SatisfactionAnswers.Sum() / facts.SatisfactionAnswers.Count;
        return (Satisfaction, mean, mean, model.SatisfactionWeight,
            $"mean of {facts.SatisfactionAnswers.Count} answers (NPS × 10, CSAT on 0–100) in the {model.SatisfactionDays} days to the date");
    }

    private static (string, decimal?, decimal?, decimal, string) RiskInput(HealthFacts facts, HealthModel model)
    {
        var penalty = facts.Risks.Sum(r => model.Penalty(r.Severity));
        return (Risk, facts.Risks.Count, Math.Max(0m, 100m - penalty), model.RiskWeight,
            facts.Risks.Count == 0
                ? "no open risk"
                : string.Join(", ", facts.Risks.Select(r => $"{r.Factor} ({r.Severity}, since {r.Since:yyyy-MM-dd})")));
    }

    private static (string, decimal?, decimal?, decimal, string) ArrTrendInput(HealthFacts facts, HealthModel model)
    {
        if (facts.ArrBefore <= 0m)
        {
            return (ArrTrend, null, null, model.ArrTrendWeight, $"no ARR {model.ArrTrendDays} days before the date");
        }

        var ratio = facts.Arr / facts.ArrBefore;
        var score = ratio >= 1m ? 100m : Math.Max(0m, (ratio - 0.5m) * 200m);
        return (ArrTrend, ratio, score, model.ArrTrendWeight,
            FormattableString.Invariant(
                $"ARR {facts.Arr:0.##} against {facts.ArrBefore:0.##} {model.ArrTrendDays} days before; no loss scores 100, losing half or more 0"));
    }
}
