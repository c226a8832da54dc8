using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Periods;
using NodaTime;

namespace CustomerSuccess.Metrics.Signals;

/// <summary>
/// CSAT over a set of answers: <see cref="Csat"/> is the percentage of satisfied answers (4–5 on the scale 1-5, 80–100 on
/// 1-100) and <see cref="MeanScore"/> the mean answer normalised to 0–100 ((score − lowest) ÷ (highest − lowest) × 100);
/// both null without answers.
/// </summary>
public sealed record CsatFigures(decimal? Csat, decimal? MeanScore, int Responses, int Satisfied)
{
    public static CsatFigures Of(IReadOnlyCollection<SurveyAnswer> answers)
    {
        var satisfied = answers.Count(IsSatisfied);
        return new CsatFigures(
            answers.Count == 0 ? null : satisfied * 100m / answers.Count,
            answers.Count == 0 ? null : answers.Sum(Normalised) / answers.Count,
            answers.Count, satisfied);
    }

    public static bool IsSatisfied(SurveyAnswer answer) => answer.Score >= (answer.Scale == SignalVocabulary.Scale5 ? 4 : 80);

    /// <summary>An answer on 0–100 whatever its scale.</summary>
    public static decimal Normalised(SurveyAnswer answer) => NormalisedScore(answer.Score, answer.Scale ?? SignalVocabulary.Scale100);

    public static decimal NormalisedScore(int score, string scale)
    {
        var (min, max) = SignalVocabulary.Bounds(scale);
        return (score - min) * 100m / (max - min);
    }
}

public sealed record CsatReport(
    CsatFigures Total, IReadOnlyList<SignalGroup<CsatFigures>> Groups, IReadOnlyList<SignalPeriod<CsatFigures>> Series, IReadOnlyList<SurveyAnswer> Answers);

/// <summary>
/// CSAT over a period: every answer dated in it counts (a respondent may rate many topics), grouped also by topic: the
/// <see cref="MaxTopicGroups"/> topics answered most, since a topic may name each support ticket.
/// </summary>
public sealed class CustomerSatisfaction(SurveyAnswers answers)
{
    public const int MaxTopicGroups = 100;

    public static readonly IReadOnlyList<string> Dimensions = [.. NetPromoterScore.Dimensions, "topic"];

    public async Task<CsatReport> QueryAsync(
        LocalDate from, LocalDate to, ReportingInterval? interval, Instant knownAt, AccountFilter filter, string? topic, CancellationToken cancellation)
    {
        var all = (await answers.ReadAsync(EventTypeNames.CsatAnswered, from, to, knownAt, filter, cancellation).ConfigureAwait(false))
            .Where(a => topic is null || a.Topic == topic)
            .ToList();
        var groups = Dimensions.SelectMany(d => all.GroupBy(a => d == "topic" ? a.Topic : NetPromoterScore.Dimension(a, d))
                .OrderByDescending(g => d == "topic" ? g.Count() : 0)
                .ThenBy(g => g.Key ?? "\uffff", StringComparer.Ordinal)
                .Take(d == "topic" ? MaxTopicGroups : int.MaxValue)
                .OrderBy(g => g.Key ?? "\uffff", StringComparer.Ordinal)
                .Select(g => new SignalGroup<CsatFigures>(d, g.Key, CsatFigures.Of([.. g]))))
            .ToList();
        var series = AnswersByPeriod.Of(ReportingPeriods.Split(from, to, interval ?? ReportingInterval.Month), all)
            .Select(b => new SignalPeriod<CsatFigures>(b.Period.From, b.Period.To, CsatFigures.Of([.. b.Answers])))
            .ToList();
        return new CsatReport(CsatFigures.Of(all), groups, series, all);
    }
}
