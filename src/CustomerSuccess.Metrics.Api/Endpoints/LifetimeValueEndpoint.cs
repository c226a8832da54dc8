using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.LifetimeValue;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record LifetimeValueView(
    string? Segment, [property: Money] decimal Arr, int ActiveCustomers, [property: Money] decimal? Arpa, [property: Money] decimal OpeningArr,
    [property: Money] decimal ChurnArr, [property: Rate] decimal? RevenueChurnRate, [property: Money] decimal? LifetimeValue, IReadOnlyList<string> Notes)
{
    public static LifetimeValueView Of(LifetimeValueFigures f) =>
        new(f.Segment, f.Arr, f.ActiveCustomers, f.Arpa, f.OpeningArr, f.ChurnArr, f.RevenueChurnRate, f.LifetimeValue, f.Notes);
}

public sealed record LifetimeValueResponse(
    LocalDate AsOf, LocalDate From, Instant KnownAt, string? Segment, string Currency, [property: Money] decimal Arr, int ActiveCustomers,
    [property: Money] decimal? Arpa, [property: Money] decimal OpeningArr, [property: Money] decimal ChurnArr, [property: Rate] decimal? RevenueChurnRate,
    [property: Money] decimal? LifetimeValue, IReadOnlyList<string> Notes, IReadOnlyList<LifetimeValueView> Segments);

/// <summary>GET /api/v1/metrics/ltv: customer lifetime value, ARPA over the annual revenue churn rate, with its inputs, per segment.</summary>
[RequiresScope(Scopes.MetricsRead)]
public static class LifetimeValueEndpoint
{
    [WolverineGet("/api/v1/metrics/ltv")]
    [Tags("Figures")]
    [EndpointSummary("Customer lifetime value: ARPA over the annual revenue churn rate, with its inputs, for the book and each segment")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.KnownAt, QueryParameter.Segment)]
    public static async Task<LifetimeValueResponse> Get(
        FigureRequest request, LifetimeValueQuery query, ReportingOptions reporting, CancellationToken cancellation)
    {
        var segments = request.Segment is null ? Segments.All : [];
        var parts = await Task.WhenAll(segments.Select(s => query.QueryAsync(request.AsOf, request.KnownAt, s, cancellation)));
        var f = await query.QueryAsync(request.AsOf, request.KnownAt, request.Segment, cancellation);
        return new LifetimeValueResponse(request.AsOf, request.AsOf.PlusYears(-1).PlusDays(1), request.KnownAt, request.Segment, reporting.Currency,
            f.Arr, f.ActiveCustomers, f.Arpa, f.OpeningArr, f.ChurnArr, f.RevenueChurnRate, f.LifetimeValue, f.Notes,
            [.. parts.Select(LifetimeValueView.Of)]);
    }
}
