using CustomerSuccess.Metrics.Arr;
using CustomerSuccess.Metrics.Knowledge;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record ArrResponse(
    LocalDate AsOf, Instant KnownAt, string? Segment, decimal Arr, decimal Mrr, int ActiveCustomers, string Currency);

/// <summary>GET /api/v1/arr: total ARR at the end of a day, as known at an instant.</summary>
public static class ArrEndpoint
{
    [WolverineGet("/api/v1/arr")]
    public static async Task<IResult> Get(
        HttpRequest request, ArrAsOf arrAsOf, RecordingClock recordingClock, IClock clock, ReportingOptions reporting,
        CancellationToken cancellation)
    {
        var parameters = new ReadParameters(request.Query);
        var asOf = parameters.Date("asOf") ?? clock.GetCurrentInstant().InUtc().Date;
        var requestedKnownAt = parameters.Instant("knownAt");
        var segment = parameters.Segment();
        if (!parameters.IsValid)
        {
            return Problems.Invalid(parameters.Errors);
        }

        var knownAt = await recordingClock.SettleAsync(requestedKnownAt, cancellation);
        var figure = await arrAsOf.QueryAsync(asOf, knownAt, segment, cancellation);
        return Results.Ok(new ArrResponse(asOf, knownAt, segment, Presentation.Money(figure.Arr),
            Presentation.Money(figure.Arr / 12m), figure.ActiveCustomers, reporting.Currency));
    }
}
