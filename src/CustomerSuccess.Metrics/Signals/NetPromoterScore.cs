using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Periods;
using NodaTime;

namespace CustomerSuccess.Metrics.Signals;

/// <summary>
/// Net Promoter Score over a set of answers: promoters answered 9–10, passives 7–8, detractors 0–6; NPS is the percentage
/// of promoters less the percentage of detractors, from −100 to 100, and null without answers.
/// </summary>
public sealed record NpsFigures(decimal? Nps, int Responses, int Promoters, int Passives, int Detractors)
{
    public static NpsFigures Of(IReadOnlyCollection<int> scores)
    {
        var promoters = scores.Count(s => s >= 9);
        var detractors = scores.Count(s => s <= 6);
        return new NpsFigures(
            scores.Count == 0 ? null : (promoters - detractors) * 100m / scores.Count, scores.Count, promoters, scores.Count - promoters - detractors,
            detractors);
    }
}

/// <summary>The figures of the answers whose customer has one value of a dimension (<c>segment</c>, <c>csm</c>, <c>touchModel</c>).</summary>
public sealed record SignalGroup<T>(string Dimension, string? Value, T Figures);

public sealed record SignalPeriod<T>(LocalDate From, LocalDate To, T Figures);

public sealed record NpsReport(
    NpsFigures Total, IReadOnlyList<SignalGroup<NpsFigures>> Groups, IReadOnlyList<SignalPeriod<NpsFigures>> Series, IReadOnlyList<SurveyAnswer> Counted);

/// <summary>
/// NPS over a period: each respondent's latest answer dated in it counts once (a respondent is a customer's
/// <c>respondentId</c>); likewise for each period of the series. Groups by the customer's segment, CSM and touch model at
/// the period's end.
/// </summary>
public sealed class NetPromoterScore(SurveyAnswers answers)
{
    public static readonly IReadOnlyList<string> Dimensions = ["segment", "csm", "touchModel"];

    public async Task<NpsReport> QueryAsync(
        LocalDate from, LocalDate to, ReportingInterval? interval, Instant knownAt, AccountFilter filter, CancellationToken cancellation)
    {
        var all = await answers.ReadAsync(EventTypeNames.NpsAnswered, from, to, knownAt, filter, cancellation).ConfigureAwait(false);
        var counted = LatestPerRespondent(all);
        var groups = Dimensions.SelectMany(d => counted.GroupBy(a => Dimension(a, d))
                .OrderBy(g => g.Key ?? "\uffff", StringComparer.Ordinal)
                .Select(g => new SignalGroup<NpsFigures>(d, g.Key, NpsFigures.Of([.. g.Select(a => a.Score)]))))
            .ToList();
        var series = AnswersByPeriod.Of(ReportingPeriods.Split(from, to, interval ?? ReportingInterval.Month), all)
            .Select(b => new SignalPeriod<NpsFigures>(b.Period.From, b.Period.To, NpsFigures.Of([.. LatestPerRespondent(b.Answers).Select(a => a.Score)])))
            .ToList();
        return new NpsReport(NpsFigures.Of([.. counted.Select(a => a.Score)]), groups, series, counted);
    }

    /// <summary>Each respondent's latest answer: the latest dated, and of one day the one recorded last.</summary>
    public static IReadOnlyList<SurveyAnswer> LatestPerRespondent(IReadOnlyList<SurveyAnswer> answers) =>
        [.. answers.GroupBy(a => (a.CustomerId, a.RespondentId))
            .Select(g => g.OrderByDescending(a => a.Date).ThenByDescending(a => a.Sequence).First())
            .OrderBy(a => a.Sequence)];

    public static string? Dimension(SurveyAnswer answer, string dimension) => dimension switch
    {
        "segment" => answer.Segment,
        "csm" => answer.Csm,
        _ => answer.TouchModel,
    };
}
