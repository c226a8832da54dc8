using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.CostOfRetention;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record CostOfRetentionResponse(
    LocalDate From, LocalDate To, Instant KnownAt, string? Segment, string Currency, [property: Money] decimal TotalCost,
    [property: MoneyValues] IReadOnlyDictionary<string, decimal> ByCategory, int RetainedCustomers, [property: Money] decimal? CostOfRetention,
    IReadOnlyList<string> Notes);

/// <summary>GET /api/v1/metrics/cost-of-retention: retention spend per retained customer.</summary>
[RequiresScope(Scopes.MetricsRead)]
public static class CostOfRetentionEndpoint
{
    [WolverineGet("/api/v1/metrics/cost-of-retention")]
    [Tags("Figures")]
    [EndpointSummary("Retention spend per retained customer")]
    [AcceptsQuery(QueryParameter.From, QueryParameter.To, QueryParameter.KnownAt, QueryParameter.Segment)]
    public static async Task<CostOfRetentionResponse> Get(
        FigureRequest request, CostOfRetentionQuery query, ReportingOptions reporting, CancellationToken cancellation)
    {
        var f = await query.QueryAsync(request.From, request.To, request.KnownAt, request.Segment, cancellation);
        return new CostOfRetentionResponse(request.From, request.To, request.KnownAt, request.Segment, reporting.Currency, f.TotalCost,
            f.ByCategory, f.RetainedCustomers, f.CostOfRetention, f.Notes);
    }
}
