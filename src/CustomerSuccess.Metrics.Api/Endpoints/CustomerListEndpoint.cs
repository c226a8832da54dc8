using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Customers;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record CustomerListEntry(string CustomerId, string? Name, string? Segment, string Status, [property: Money] decimal Arr);

public sealed record CustomerListResponse(
    LocalDate AsOf, Instant KnownAt, string? Segment, string? Status, int Total, int Offset, int Limit, string Currency,
    IReadOnlyList<CustomerListEntry> Customers);

/// <summary>GET /api/v1/customers: every customer's name, segment, status and ARR at the end of a day, a page at a time.</summary>
[RequiresScope(Scopes.MetricsRead)]
public static class CustomerListEndpoint
{
    [WolverineGet("/api/v1/customers")]
    [Tags("Customers")]
    [EndpointSummary("Every customer as of a date: name, segment, status and ARR, by customer id")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.KnownAt, QueryParameter.Segment, QueryParameter.Status, QueryParameter.Limit,
        QueryParameter.Offset)]
    public static async Task<CustomerListResponse> Get(
        FigureRequest request, CustomerList customers, ReportingOptions reporting, CancellationToken cancellation)
    {
        var page = await customers.QueryAsync(
            request.AsOf, request.KnownAt, request.Segment, request.Status, request.Offset, request.Limit, cancellation);
        return new CustomerListResponse(request.AsOf, request.KnownAt, request.Segment, request.Status, page.Total, request.Offset, request.Limit,
            reporting.Currency, [.. page.Customers.Select(c => new CustomerListEntry(c.CustomerId, c.Name, c.Segment, c.Status, c.Arr))]);
    }
}
