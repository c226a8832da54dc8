using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Signals;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record NpsGroupView(string Dimension, string? Value, [property: Score] decimal? Nps, int Responses, int Promoters, int Passives, int Detractors)
{
    public static NpsGroupView Of(SignalGroup<NpsFigures> g) =>
        new(g.Dimension, g.Value, g.Figures.Nps, g.Figures.Responses, g.Figures.Promoters, g.Figures.Passives, g.Figures.Detractors);
}

public sealed record NpsPeriodView(LocalDate From, LocalDate To, [property: Score] decimal? Nps, int Responses, int Promoters, int Passives, int Detractors)
{
    public static NpsPeriodView Of(SignalPeriod<NpsFigures> p) =>
        new(p.From, p.To, p.Figures.Nps, p.Figures.Responses, p.Figures.Promoters, p.Figures.Passives, p.Figures.Detractors);
}

public sealed record NpsResponse(
    LocalDate From, LocalDate To, Instant KnownAt, string? Segment, string? Csm, string? TouchModel, [property: Score] decimal? Nps, int Responses,
    int Promoters, int Passives, int Detractors, IReadOnlyList<NpsGroupView> Groups, IReadOnlyList<NpsPeriodView> Series);

/// <summary>
/// GET /api/v1/signals/nps: Net Promoter Score over a period, each respondent's latest answer counted once, by segment,
/// CSM and touch model, with a series by interval (month unless asked). CSV lists every answer counted.
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class NpsEndpoint
{
    private static readonly string[] CsvHeader =
        ["eventId", "customerId", "respondentId", "effectiveDate", "score", "class", "segment", "csm", "touchModel"];

    [WolverineGet("/api/v1/signals/nps")]
    [Tags("Signals")]
    [EndpointSummary("Net Promoter Score over a period: promoters, passives and detractors, by segment, CSM and touch model, and as a series")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.From, QueryParameter.To, QueryParameter.Interval, QueryParameter.KnownAt, QueryParameter.Segment,
        QueryParameter.Csm, QueryParameter.TouchModel, QueryParameter.Format, DefaultInterval = "month")]
    [ProducesResponseType<NpsResponse>(StatusCodes.Status200OK, "application/json", ResponseFormats.CsvMediaType)]
    public static IResult Get(FigureRequest request, NetPromoterScore nps) =>
        new StreamedResult(request, $"nps-{request.From:yyyy-MM-dd}-{request.To:yyyy-MM-dd}",
            async (json, cancellation) =>
            {
                var r = await QueryAsync(request, nps, cancellation).ConfigureAwait(false);
                json.Item(new NpsResponse(request.From, request.To, request.KnownAt, request.Segment, request.Csm, request.TouchModel, r.Total.Nps,
                    r.Total.Responses, r.Total.Promoters, r.Total.Passives, r.Total.Detractors, [.. r.Groups.Select(NpsGroupView.Of)],
                    [.. r.Series.Select(NpsPeriodView.Of)]));
            },
            async (csv, cancellation) =>
            {
                var r = await QueryAsync(request, nps, cancellation).ConfigureAwait(false);
                await csv.WriteAsync(CsvHeader, cancellation).ConfigureAwait(false);
                foreach (var a in r.Counted)
                {
                    var kind = a.Score >= 9 ? "promoter" : a.Score >= 7 ? "passive" : "detractor";
                    await csv.WriteAsync(
                        [a.EventId, a.CustomerId, a.RespondentId, CsvRows.Date(a.Date), a.Score.ToString(System.Globalization.CultureInfo.InvariantCulture),
                         kind, a.Segment, CsvRows.Text(a.Csm), a.TouchModel], cancellation).ConfigureAwait(false);
                }
            });

    private static Task<NpsReport> QueryAsync(FigureRequest request, NetPromoterScore nps, CancellationToken cancellation) =>
        nps.QueryAsync(request.From, request.To, request.Interval, request.KnownAt, new AccountFilter(request.Segment, request.Csm, request.TouchModel),
            cancellation);
}
