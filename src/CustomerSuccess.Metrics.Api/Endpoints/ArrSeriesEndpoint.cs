using CustomerSuccess.Metrics.Arr;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Periods;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record ArrSeriesResponse(
    LocalDate From, LocalDate To, string Interval, Instant KnownAt, string? Segment, string Currency, IReadOnlyList<ArrPoint> Entries);

/// <summary>GET /api/v1/arr/series: ARR at the end of each day, week, month, quarter or year of a range.</summary>
public static class ArrSeriesEndpoint
{
    public const int MaxPeriods = 5000;

    [WolverineGet("/api/v1/arr/series")]
    public static async Task<IResult> Get(
        HttpRequest request, ArrSeries series, RecordingClock recordingClock, ReportingOptions reporting, CancellationToken cancellation)
    {
        var parameters = new ReadParameters(request.Query);
        var (from, to) = parameters.Range();
        var interval = parameters.Interval(ReportingInterval.Month, from, to, MaxPeriods);
        var requestedKnownAt = parameters.Instant("knownAt");
        var segment = parameters.Segment();
        if (!parameters.IsValid)
        {
            return Problems.Invalid(parameters.Errors);
        }

        var knownAt = await recordingClock.SettleAsync(requestedKnownAt, cancellation);
        var points = await series.QueryAsync(from, to, interval!.Value, knownAt, segment, cancellation);
        return Results.Ok(new ArrSeriesResponse(from, to, interval.Value.ToString().ToLowerInvariant(), knownAt, segment,
            reporting.Currency, points.Select(p => p with { Arr = Presentation.Money(p.Arr) }).ToList()));
    }
}
