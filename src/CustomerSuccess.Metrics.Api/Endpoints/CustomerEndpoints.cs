using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Customers;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record ContractEntry(
    string ContractId, [property: Money] decimal Arr, LocalDate? TermEndDate, string Status, string? Product, LocalDate OpenedOn, LocalDate? ChurnedOn,
    string? ChurnReason);

public sealed record CustomerResponse(
    string CustomerId, LocalDate AsOf, Instant KnownAt, string Status, [property: Money] decimal Arr, [property: Money] decimal Mrr,
    string Currency, string? Name, string? Segment, string? Csm, string? ChurnReason, IReadOnlyList<ContractEntry> Contracts);

/// <summary>One entry of a customer's history; <see cref="Amount"/> as recorded, the customer's ARR around it rounded like every ARR.</summary>
public sealed record HistoryEntry(
    string EventId, string Type, LocalDate? EffectiveDate, Instant RecordedAt, long Sequence, bool Voided, string? VoidedByEventId,
    Instant? VoidedAt, string? ContractId, decimal? Amount, LocalDate? TermEndDate, string? VoidedEventId, string? Reason,
    [property: Money] decimal ArrBefore, [property: Money] decimal ArrAfter, string? PublishedBy, string? Via);

public sealed record CustomerEventsResponse(string CustomerId, Instant KnownAt, IReadOnlyList<HistoryEntry> Events);

/// <summary>GET /api/v1/customers/{customerId} and its event history.</summary>
[RequiresScope(Scopes.MetricsRead)]
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
            return Problems.CustomerNotFound(customerId, request.KnownAt);
        }

        return Results.Ok(new CustomerResponse(view.CustomerId, request.AsOf, request.KnownAt, view.Status, view.Arr, view.Arr / 12m,
            reporting.Currency, view.Name, view.Segment, view.Csm, view.ChurnReason,
            [.. view.Contracts.Select(c => new ContractEntry(c.ContractId, c.Arr, c.TermEndDate, c.Status, c.Product, c.OpenedOn, c.ChurnedOn, c.ChurnReason))]));
    }

    [WolverineGet("/api/v1/customers/{customerId}/events")]
    [Tags("Customers")]
    [EndpointSummary("A customer's history as known at an instant, in recorded order, voids and voided events alike, with ARR around each")]
    [AcceptsQuery(QueryParameter.KnownAt, ReadsEventLogOnly = true)]
    [ProducesResponseType<CustomerEventsResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> GetEvents(string customerId, FigureRequest request, CustomerHistory history, CancellationToken cancellation)
    {
        var events = await history.QueryAsync(customerId, request.KnownAt, cancellation);
        return events is null
            ? Problems.CustomerNotFound(customerId, request.KnownAt)
            : Results.Ok(new CustomerEventsResponse(customerId, request.KnownAt, [.. events.Select(e => new HistoryEntry(
                e.EventId, e.Type, e.EffectiveDate, e.RecordedAt, e.Sequence, e.Voided, e.VoidedByEventId, e.VoidedAt, e.ContractId, e.Amount,
                e.TermEndDate, e.VoidedEventId, e.Reason, e.ArrBefore, e.ArrAfter, e.PublishedBy, e.Via))]));
    }
}
