using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Signals;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record CsatGroupView(string Dimension, string? Value, [property: Score] decimal? Csat, [property: Score] decimal? MeanScore, int Responses, int Satisfied)
{
    public static CsatGroupView Of(SignalGroup<CsatFigures> g) =>
        new(g.Dimension, g.Value, g.Figures.Csat, g.Figures.MeanScore, g.Figures.Responses, g.Figures.Satisfied);
}

public sealed record CsatPeriodView(LocalDate From, LocalDate To, [property: Score] decimal? Csat, [property: Score] decimal? MeanScore, int Responses, int Satisfied)
{
    public static CsatPeriodView Of(SignalPeriod<CsatFigures> p) =>
        new(p.From, p.To, p.Figures.Csat, p.Figures.MeanScore, p.Figures.Responses, p.Figures.Satisfied);
}

public sealed record CsatResponse(
    LocalDate From, LocalDate To, Instant KnownAt, string? Segment, string? Csm, string? TouchModel, string? Topic, [property: Score] decimal? Csat,
    [property: Score] decimal? MeanScore, int Responses, int Satisfied, IReadOnlyList<CsatGroupView> Groups, IReadOnlyList<CsatPeriodView> Series);

/// <summary>
/// GET /api/v1/signals/csat: the share of satisfied answers and the mean answer on 0–100 over a period, by segment, CSM,
/// touch model and topic, with a series by interval (month unless asked). CSV lists every answer.
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class CsatEndpoint
{
    private static readonly string[] CsvHeader =
        ["eventId", "customerId", "respondentId", "effectiveDate", "score", "scale", "normalisedScore", "satisfied", "topic", "segment", "csm", "touchModel"];

    [WolverineGet("/api/v1/signals/csat")]
    [Tags("Signals")]
    [EndpointSummary("CSAT over a period: share of satisfied answers and mean score on 0-100, by segment, CSM, touch model and topic, and as a series")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.From, QueryParameter.To, QueryParameter.Interval, QueryParameter.KnownAt, QueryParameter.Segment,
        QueryParameter.Csm, QueryParameter.TouchModel, QueryParameter.Topic, QueryParameter.Format, DefaultInterval = "month")]
    [ProducesResponseType<CsatResponse>(StatusCodes.Status200OK, "application/json", ResponseFormats.CsvMediaType)]
    public static IResult Get(FigureRequest request, CustomerSatisfaction csat) =>
        new StreamedResult(request, $"csat-{request.From:yyyy-MM-dd}-{request.To:yyyy-MM-dd}",
            async (json, cancellation) =>
            {
                var r = await QueryAsync(request, csat, cancellation).ConfigureAwait(false);
                json.Item(new CsatResponse(request.From, request.To, request.KnownAt, request.Segment, request.Csm, request.TouchModel, request.Topic,
                    r.Total.Csat, r.Total.MeanScore, r.Total.Responses, r.Total.Satisfied, [.. r.Groups.Select(CsatGroupView.Of)],
                    [.. r.Series.Select(CsatPeriodView.Of)]));
            },
            async (csv, cancellation) =>
            {
                var r = await QueryAsync(request, csat, cancellation).ConfigureAwait(false);
                await csv.WriteAsync(CsvHeader, cancellation).ConfigureAwait(false);
                foreach (var a in r.Answers)
                {
                    await csv.WriteAsync(
                        [a.EventId, a.CustomerId, a.RespondentId, CsvRows.Date(a.Date), a.Score.ToString(System.Globalization.CultureInfo.InvariantCulture),
                         a.Scale, CsvRows.Score(CsatFigures.Normalised(a)), CsvRows.Boolean(CsatFigures.IsSatisfied(a)), CsvRows.Text(a.Topic), a.Segment,
                         CsvRows.Text(a.Csm), a.TouchModel], cancellation).ConfigureAwait(false);
                }
            });

    private static Task<CsatReport> QueryAsync(FigureRequest request, CustomerSatisfaction csat, CancellationToken cancellation) =>
        csat.QueryAsync(request.From, request.To, request.Interval, request.KnownAt, new AccountFilter(request.Segment, request.Csm, request.TouchModel),
            request.Topic, cancellation);
}
