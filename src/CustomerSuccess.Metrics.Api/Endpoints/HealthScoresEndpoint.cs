using System.Globalization;
using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Health;
using CustomerSuccess.Metrics.Periods;
using CustomerSuccess.Metrics.Signals;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record BandCountsView(string? Segment, string? Csm, int Customers, int Red, int Yellow, int Green)
{
    public static BandCountsView Of(BandCounts c, string? segment = null, string? csm = null) => new(segment, csm, c.Customers, c.Red, c.Yellow, c.Green);
}

public sealed record AdoptionBucketView(string Range, int Customers);

public sealed record AdoptionView(
    int Reporting, [property: Rate] decimal? Mean, [property: Rate] decimal? Median, decimal Target, int AtTarget, IReadOnlyList<AdoptionBucketView> Buckets);

public sealed record ScoredCustomerView(
    string CustomerId, string? Segment, string? Csm, string? TouchModel, [property: Money] decimal Arr, [property: Score] decimal Score, string Band,
    [property: Rate] decimal? Adoption, int OpenRisks)
{
    public static ScoredCustomerView Of(ScoredCustomer c) => new(c.Facts.CustomerId, c.Facts.Segment, c.Facts.Csm, c.Facts.TouchModel, c.Facts.Arr,
        c.Health.Score, c.Health.Band, c.Facts.Usage?.Adoption, c.Facts.Risks.Count);
}

public sealed record BandsOnDateView(LocalDate Date, BandCountsView Distribution, IReadOnlyList<BandCountsView> BySegment, IReadOnlyList<BandCountsView> ByCsm)
{
    public static BandsOnDateView Of(BandsOnDate b) => new(b.Date, BandCountsView.Of(b.Distribution),
        [.. b.BySegment.Select(s => BandCountsView.Of(s.Bands, segment: s.Segment))], [.. b.ByCsm.Select(s => BandCountsView.Of(s.Bands, csm: s.Csm))]);
}

public sealed record HealthScoresResponse(
    LocalDate AsOf, Instant KnownAt, string? Segment, string? Csm, string? TouchModel, string? Band, string Currency, BandCountsView Distribution,
    IReadOnlyList<BandCountsView> BySegment, IReadOnlyList<BandCountsView> ByCsm, AdoptionView Adoption, IReadOnlyList<BandsOnDateView> Series,
    int Total, int Limit, int Offset, IReadOnlyList<ScoredCustomerView> Customers);

/// <summary>
/// GET /api/v1/health-scores: the health of every active customer as of a date, lowest score first, with the distribution of
/// bands overall, per segment and per CSM, and adoption across the book. CSV lists the customers.
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class HealthScoresEndpoint
{
    private static readonly string[] CsvHeader =
        ["customerId", "segment", "csm", "touchModel", "arr", "currency", "score", "band", "adoption", "openRisks"];

    [WolverineGet("/api/v1/health-scores")]
    [Tags("Figures")]
    [EndpointSummary("Health scores of the active customers, lowest first, with the distribution of bands per segment and per CSM")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.KnownAt, QueryParameter.Segment, QueryParameter.Csm, QueryParameter.TouchModel, QueryParameter.Band,
        QueryParameter.Interval, QueryParameter.Limit, QueryParameter.Offset, QueryParameter.Format)]
    [ProducesResponseType<HealthScoresResponse>(StatusCodes.Status200OK, "application/json", ResponseFormats.CsvMediaType)]
    public static IResult Get(FigureRequest request, HealthScores scores, HealthFactsReader facts, ReportingOptions reporting) =>
        request.Interval is ReportingInterval.Day or ReportingInterval.Week
            ? Problems.Invalid("interval", "must be month, quarter or year here: each point of the series scores every customer")
            : new StreamedResult(request, $"health-scores-{request.AsOf:yyyy-MM-dd}",
            async (json, cancellation) =>
            {
                var r = await QueryAsync(request, scores, cancellation).ConfigureAwait(false);
                var series = request.Interval is null
                    ? []
                    : await scores.SeriesAsync(SeriesDates(request), request.KnownAt,
                        new AccountFilter(request.Segment, request.Csm, request.TouchModel), cancellation).ConfigureAwait(false);
                var a = r.Adoption;
                json.Item(new HealthScoresResponse(request.AsOf, request.KnownAt, request.Segment, request.Csm, request.TouchModel, request.Band,
                    reporting.Currency, BandCountsView.Of(r.Distribution), [.. r.BySegment.Select(s => BandCountsView.Of(s.Bands, segment: s.Segment))],
                    [.. r.ByCsm.Select(s => BandCountsView.Of(s.Bands, csm: s.Csm))],
                    new AdoptionView(a.Reporting, a.Mean, a.Median, facts.Model.AdoptionTarget, a.AtTarget,
                        [.. a.Buckets.Select(b => new AdoptionBucketView(b.Range, b.Customers))]),
                    [.. series.Select(BandsOnDateView.Of)], r.Customers.Count, request.Limit, request.Offset,
                    [.. r.Customers.Skip(request.Offset).Take(request.Limit).Select(ScoredCustomerView.Of)]));
            },
            async (csv, cancellation) =>
            {
                var r = await QueryAsync(request, scores, cancellation).ConfigureAwait(false);
                await csv.WriteAsync(CsvHeader, cancellation).ConfigureAwait(false);
                foreach (var c in r.Customers.Skip(request.Offset).Take(request.Limit).Select(ScoredCustomerView.Of))
                {
                    await csv.WriteAsync(
                        [c.CustomerId, c.Segment, CsvRows.Text(c.Csm), c.TouchModel, CsvRows.Money(c.Arr), reporting.Currency, CsvRows.Score(c.Score), c.Band,
                         c.Adoption is { } adoption ? Presentation.Rate(adoption).ToString(CultureInfo.InvariantCulture) : null,
                         c.OpenRisks.ToString(CultureInfo.InvariantCulture)], cancellation).ConfigureAwait(false);
                }
            });

    /// <summary>The end of each period of the interval over the twelve months that end on asOf, the last being asOf itself.</summary>
    private static IReadOnlyList<LocalDate> SeriesDates(FigureRequest request) =>
        [.. ReportingPeriods.Split(request.AsOf.PlusYears(-1).PlusDays(1), request.AsOf, request.Interval).Select(p => p.To)];

    private static Task<HealthScoresReport> QueryAsync(FigureRequest request, HealthScores scores, CancellationToken cancellation) =>
        scores.QueryAsync(request.AsOf, request.KnownAt, new AccountFilter(request.Segment, request.Csm, request.TouchModel), request.Band, cancellation);
}
