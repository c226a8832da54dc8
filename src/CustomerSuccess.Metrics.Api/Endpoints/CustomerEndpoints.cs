using CustomerSuccess.Metrics.Customers;
using CustomerSuccess.Metrics.Knowledge;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record CustomerResponse(
    string CustomerId, LocalDate AsOf, Instant KnownAt, string Status, decimal Arr, decimal Mrr, string Currency,
    string? Name, string? Segment, string? Csm, IReadOnlyList<ContractView> Contracts);

public sealed record CustomerEventsResponse(string CustomerId, IReadOnlyList<HistoryItem> Events);

/// <summary>GET /api/v1/customers/{customerId} and its event history.</summary>
public static class CustomerEndpoints
{
    [WolverineGet("/api/v1/customers/{customerId}")]
    public static async Task<IResult> Get(
        string customerId, HttpRequest request, CustomerAsOf customers, RecordingClock recordingClock, IClock clock,
        ReportingOptions reporting, CancellationToken cancellation)
    {
        var parameters = new ReadParameters(request.Query);
        var asOf = parameters.Date("asOf") ?? clock.GetCurrentInstant().InUtc().Date;
        var requestedKnownAt = parameters.Instant("knownAt");
        if (!parameters.IsValid)
        {
            return Problems.Invalid(parameters.Errors);
        }

        var knownAt = await recordingClock.SettleAsync(requestedKnownAt, cancellation);
        var view = await customers.QueryAsync(customerId, asOf, knownAt, cancellation);
        if (view is null)
        {
            return Problems.NotFound("customerId", $"no events are recorded for customer '{customerId}' as known at {knownAt}");
        }

        var contracts = view.Contracts.Select(c => c with { Arr = Presentation.Money(c.Arr) }).ToList();
        return Results.Ok(new CustomerResponse(view.CustomerId, asOf, knownAt, view.Status, Presentation.Money(view.Arr),
            Presentation.Money(view.Arr / 12m), reporting.Currency, view.Name, view.Segment, view.Csm, contracts));
    }

    [WolverineGet("/api/v1/customers/{customerId}/events")]
    public static async Task<IResult> GetEvents(string customerId, CustomerHistory history, CancellationToken cancellation)
    {
        var events = await history.QueryAsync(customerId, cancellation);
        return events is null
            ? Problems.NotFound("customerId", $"no events are recorded for customer '{customerId}'")
            : Results.Ok(new CustomerEventsResponse(customerId, events));
    }
}
