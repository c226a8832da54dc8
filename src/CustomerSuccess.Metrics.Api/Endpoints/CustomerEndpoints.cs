using CustomerSuccess.Metrics.Customers;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record ContractEntry(
    string ContractId, [property: Money] decimal Arr, LocalDate? TermEndDate, string Status, string? Product, LocalDate OpenedOn, LocalDate? ChurnedOn);

public sealed record CustomerResponse(
    string CustomerId, LocalDate AsOf, Instant KnownAt, string Status, [property: Money] decimal Arr, [property: Money] decimal Mrr,
    string Currency, string? Name, string? Segment, string? Csm, IReadOnlyList<ContractEntry> Contracts);

public sealed record CustomerEventsResponse(string CustomerId, IReadOnlyList<HistoryItem> Events);

/// <summary>GET /api/v1/customers/{customerId} and its event history.</summary>
public static class CustomerEndpoints
{
    [WolverineGet("/api/v1/customers/{customerId}")]
    [Tags("Customers")]
    [EndpointSummary("One customer as of a date: status, ARR, contracts and attributes")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.KnownAt)]
    [ProducesResponseType<CustomerResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        string customerId, FigureRequest request, CustomerAsOf customers, ReportingOptions reporting, CancellationToken cancellation)
    {
        var view = await customers.QueryAsync(customerId, request.AsOf, request.KnownAt, cancellation);
        if (view is null)
        {
            return Problems.NotFound("customerId", $"no events are recorded for customer '{customerId}' as known at {InstantPattern.ExtendedIso.Format(request.KnownAt)}");
        }

        return Results.Ok(new CustomerResponse(view.CustomerId, request.AsOf, request.KnownAt, view.Status, view.Arr, view.Arr / 12m,
            reporting.Currency, view.Name, view.Segment, view.Csm,
            [.. view.Contracts.Select(c => new ContractEntry(c.ContractId, c.Arr, c.TermEndDate, c.Status, c.Product, c.OpenedOn, c.ChurnedOn))]));
    }

    [WolverineGet("/api/v1/customers/{customerId}/events")]
    [Tags("Customers")]
    [EndpointSummary("A customer's whole history in recorded order, voids and voided events alike")]
    [ProducesResponseType<CustomerEventsResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> GetEvents(string customerId, CustomerHistory history, CancellationToken cancellation)
    {
        var events = await history.QueryAsync(customerId, cancellation);
        return events is null
            ? Problems.NotFound("customerId", $"no events are recorded for customer '{customerId}'")
            : Results.Ok(new CustomerEventsResponse(customerId, events));
    }
}
