using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Renewals;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record DueContractView(
    string CustomerId, string ContractId, string? Segment, LocalDate TermEndDate, string Status, [property: Money] decimal Arr,
    [property: Money] decimal? RenewedArr, LocalDate? DecidedOn, string? EventId)
{
    public static DueContractView Of(DueContract c) =>
        new(c.CustomerId, c.ContractId, c.Segment, c.TermEndDate, c.Status, c.Arr, c.RenewedArr, c.DecidedOn, c.EventId);
}

public sealed record RenewalsResponse(
    LocalDate From, LocalDate To, Instant KnownAt, string? Segment, string Currency, int Due, int Renewed, int Churned, int Pending,
    [property: Rate] decimal? RenewalRateByCount, [property: Rate] decimal? GrossRenewalRateByArr, [property: Rate] decimal? NetRenewalRateByArr,
    IReadOnlyList<DueContractView> Contracts);

/// <summary>
/// GET /api/v1/renewals: the contracts whose term ends in a period, each renewed, churned or pending, and the renewal
/// rates of those decided; the worklist of whoever runs renewals. JSON or CSV (a row per contract).
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class RenewalsEndpoint
{
    private static readonly string[] CsvHeader =
        ["customerId", "contractId", "segment", "termEndDate", "status", "arr", "renewedArr", "currency", "decidedOn", "eventId"];

    [WolverineGet("/api/v1/renewals")]
    [Tags("Figures")]
    [EndpointSummary("Contracts whose term ends in a period, each renewed, churned or pending, with renewal rates by count and by ARR")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.From, QueryParameter.To, QueryParameter.KnownAt, QueryParameter.Segment, QueryParameter.Format)]
    [ProducesResponseType<RenewalsResponse>(StatusCodes.Status200OK, "application/json", ResponseFormats.CsvMediaType)]
    public static IResult Get(FigureRequest request, RenewalsDue renewals, ReportingOptions reporting) =>
        new StreamedResult(request, $"renewals-{request.From:yyyy-MM-dd}-{request.To:yyyy-MM-dd}",
            async (json, cancellation) =>
            {
                var f = await renewals.QueryAsync(request.From, request.To, request.KnownAt, request.Segment, cancellation).ConfigureAwait(false);
                json.Item(new RenewalsResponse(request.From, request.To, request.KnownAt, request.Segment, reporting.Currency, f.Contracts.Count,
                    f.Renewed, f.Churned, f.Pending, f.RenewalRateByCount, f.GrossRenewalRateByArr, f.NetRenewalRateByArr,
                    [.. f.Contracts.Select(DueContractView.Of)]));
            },
            async (csv, cancellation) =>
            {
                var f = await renewals.QueryAsync(request.From, request.To, request.KnownAt, request.Segment, cancellation).ConfigureAwait(false);
                await csv.WriteAsync(CsvHeader, cancellation).ConfigureAwait(false);
                foreach (var c in f.Contracts)
                {
                    await csv.WriteAsync(
                    [
                        c.CustomerId, c.ContractId, c.Segment, CsvRows.Date(c.TermEndDate), c.Status, CsvRows.Money(c.Arr),
                        c.RenewedArr is { } renewed ? CsvRows.Money(renewed) : null, reporting.Currency, CsvRows.Date(c.DecidedOn), c.EventId,
                    ], cancellation).ConfigureAwait(false);
                }
            });
}
