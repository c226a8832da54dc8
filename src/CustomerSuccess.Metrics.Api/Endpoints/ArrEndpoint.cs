using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Arr;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record ArrResponse(
    LocalDate AsOf, Instant KnownAt, string? Segment, [property: Money] decimal Arr, [property: Money] decimal Mrr, int ActiveCustomers,
    string Currency);

/// <summary>GET /api/v1/arr: total ARR at the end of a day, as known at an instant.</summary>
[RequiresScope(Scopes.MetricsRead)]
public static class ArrEndpoint
{
    [WolverineGet("/api/v1/arr")]
    [Tags("Figures")]
    [EndpointSummary("Total ARR, MRR and active customers at the end of a day")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.KnownAt, QueryParameter.Segment)]
    public static async Task<ArrResponse> Get(FigureRequest request, ArrAsOf arrAsOf, ReportingOptions reporting, CancellationToken cancellation)
    {
        var figure = await arrAsOf.QueryAsync(request.AsOf, request.KnownAt, request.Segment, cancellation);
        return new ArrResponse(request.AsOf, request.KnownAt, request.Segment, figure.Arr, figure.Arr / 12m, figure.ActiveCustomers, reporting.Currency);
    }
}
