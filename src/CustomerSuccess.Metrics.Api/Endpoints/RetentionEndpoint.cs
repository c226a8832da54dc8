using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Retention;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record RetentionResponse(
    LocalDate From, LocalDate To, Instant KnownAt, string? Segment, string Currency, int CohortCustomers, [property: Money] decimal OpeningArr,
    [property: Rate] decimal? GrossRenewalRate, [property: Rate] decimal? NetRenewalRate, [property: Rate] decimal? LogoRetention,
    [property: Rate] decimal? LogoChurnRate, [property: Rate] decimal? ExpansionRate, [property: Rate] decimal? ContractionRate,
    [property: Rate] decimal? RevenueChurnRate, [property: Rate] decimal? QuickRatio, IReadOnlyList<string> Notes);

/// <summary>
/// GET /api/v1/metrics/retention: gross and net renewal rate, logo retention and churn, expansion, contraction
/// and revenue churn rates, quick ratio. <c>asOf</c> instead of <c>from</c>/<c>to</c> asks for the trailing twelve months.
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class RetentionEndpoint
{
    [WolverineGet("/api/v1/metrics/retention")]
    [Tags("Figures")]
    [EndpointSummary("Gross and net renewal rate, logo retention and churn, expansion, contraction and revenue churn rates, quick ratio")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.From, QueryParameter.To, QueryParameter.KnownAt, QueryParameter.Segment)]
    public static async Task<RetentionResponse> Get(
        FigureRequest request, RetentionRates rates, ReportingOptions reporting, CancellationToken cancellation)
    {
        var f = await rates.QueryAsync(request.From, request.To, request.KnownAt, request.Segment, cancellation);
        return new RetentionResponse(request.From, request.To, request.KnownAt, request.Segment, reporting.Currency, f.CohortCustomers,
            f.OpeningArr, f.GrossRenewalRate, f.NetRenewalRate, f.LogoRetention, f.LogoChurnRate, f.ExpansionRate, f.ContractionRate,
            f.RevenueChurnRate, f.QuickRatio, f.Notes);
    }
}
