using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Arr;
using CustomerSuccess.Metrics.Explain;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record ExplainedContractView(string ContractId, [property: Money] decimal Arr, IReadOnlyList<ExplainedEvent> Events);

public sealed record ExplainedCustomerView(string CustomerId, [property: Money] decimal Arr, IReadOnlyList<ExplainedContractView> Contracts)
{
    public static ExplainedCustomerView Of(ExplainedCustomer c) =>
        new(c.CustomerId, c.Arr, [.. c.Contracts.Select(k => new ExplainedContractView(k.ContractId, k.Arr, k.Events))]);
}

public sealed record ArrExplanationResponse(
    LocalDate AsOf, Instant KnownAt, string? Segment, string Currency, [property: Money] decimal Arr, int ActiveCustomers,
    IReadOnlyList<ExplainedCustomerView> Customers);

/// <summary>
/// GET /api/v1/explain/arr: the ARR of <c>/api/v1/arr</c> taken apart into customers, their contracts and each
/// contract's events; JSON or CSV (a row per contract event), written as it is read.
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class ArrExplanationEndpoint
{
    private static readonly string[] CsvHeader =
        ["customerId", "customerArr", "contractId", "contractArr", "currency", "eventId", "type", "effectiveDate", "recordedAt", "voided"];

    [WolverineGet("/api/v1/explain/arr")]
    [Tags("Explanations")]
    [EndpointSummary("Total ARR at the end of a day taken apart into customers, contracts and their events")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.KnownAt, QueryParameter.Segment, QueryParameter.Format)]
    [ProducesResponseType<ArrExplanationResponse>(StatusCodes.Status200OK, "application/json", ResponseFormats.CsvMediaType)]
    public static IResult Get(FigureRequest request, ArrAsOf arrAsOf, ArrExplanation explanation, ReportingOptions reporting)
    {
        IAsyncEnumerable<ExplainedCustomer> Customers(CancellationToken cancellation) =>
            explanation.CustomersAsync(request.AsOf, request.KnownAt, request.Segment, cancellation);

        return new StreamedResult(request, $"arr-{request.AsOf:yyyy-MM-dd}",
            async (json, cancellation) =>
            {
                var total = await arrAsOf.QueryAsync(request.AsOf, request.KnownAt, request.Segment, cancellation).ConfigureAwait(false);
                json.Writer.WriteStartObject();
                json.Property("asOf", request.AsOf);
                json.Property("knownAt", request.KnownAt);
                json.Property("segment", request.Segment);
                json.Property("currency", reporting.Currency);
                json.Property("arr", Presentation.Money(total.Arr));
                json.Property("activeCustomers", total.ActiveCustomers);
                json.Writer.WriteStartArray("customers");
                await foreach (var customer in Customers(cancellation).ConfigureAwait(false))
                {
                    json.Item(ExplainedCustomerView.Of(customer));
                    await json.SendIfFullAsync(cancellation).ConfigureAwait(false);
                }

                json.Writer.WriteEndArray();
                json.Writer.WriteEndObject();
            },
            async (csv, cancellation) =>
            {
                await csv.WriteAsync(CsvHeader, cancellation).ConfigureAwait(false);
                await foreach (var customer in Customers(cancellation).ConfigureAwait(false))
                {
                    foreach (var contract in customer.Contracts)
                    {
                        foreach (var e in contract.Events)
                        {
                            await csv.WriteAsync(
                            [
                                customer.CustomerId, CsvRows.Money(customer.Arr), contract.ContractId, CsvRows.Money(contract.Arr), reporting.Currency,
                                e.EventId, e.Type, CsvRows.Date(e.EffectiveDate), CsvRows.Instant(e.RecordedAt), CsvRows.Boolean(e.Voided),
                            ], cancellation).ConfigureAwait(false);
                        }
                    }
                }
            });
    }
}
