using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Arr;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record ArrSeriesEntry(LocalDate Date, [property: Money] decimal Arr, int ActiveCustomers);

public sealed record ArrSeriesResponse(
    LocalDate From, LocalDate To, string Interval, Instant KnownAt, string? Segment, string Currency, IReadOnlyList<ArrSeriesEntry> Entries);

/// <summary>GET /api/v1/arr/series: ARR at the end of each day, week, month, quarter or year of a range.</summary>
[RequiresScope(Scopes.MetricsRead)]
public static class ArrSeriesEndpoint
{
    [WolverineGet("/api/v1/arr/series")]
    [Tags("Figures")]
    [EndpointSummary("ARR and active customers at the end of each period of a range")]
    [AcceptsQuery(QueryParameter.From, QueryParameter.To, QueryParameter.Interval, QueryParameter.KnownAt, QueryParameter.Segment,
        DefaultInterval = "month")]
    public static async Task<ArrSeriesResponse> Get(FigureRequest request, ArrSeries series, ReportingOptions reporting, CancellationToken cancellation)
    {
        var interval = request.Interval!.Value;
        var points = await series.QueryAsync(request.From, request.To, interval, request.KnownAt, request.Segment, cancellation);
        return new ArrSeriesResponse(request.From, request.To, interval.ToString().ToLowerInvariant(), request.KnownAt, request.Segment,
            reporting.Currency, [.. points.Select(p => new ArrSeriesEntry(p.Date, p.Arr, p.ActiveCustomers))]);
    }
}
