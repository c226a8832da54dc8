using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Books;
using CustomerSuccess.Metrics.Health;
using CustomerSuccess.Metrics.Signals;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record BookAccountView(
    string CustomerId, string? Name, string? Segment, string Status, [property: Money] decimal Arr, [property: Money] decimal ArrYearBefore);

public sealed record BookResponse(
    string Csm, LocalDate AsOf, LocalDate From, Instant KnownAt, string Currency, int Accounts, [property: Money] decimal Arr, int CohortCustomers,
    [property: Money] decimal OpeningArr, [property: Money] decimal ClosingArr, [property: Rate] decimal? GrossRenewalRate,
    [property: Rate] decimal? NetRenewalRate, [property: Rate] decimal? LogoRetention, int RenewalsDue, IReadOnlyList<DueContractView> Renewals,
    BandCountsView Health, IReadOnlyList<BookAccountView> Customers);

/// <summary>GET /api/v1/books/{csm}: a CSM's book of business as of a date; JSON or CSV (a row per account).</summary>
[RequiresScope(Scopes.MetricsRead)]
public static class BookEndpoint
{
    private static readonly string[] CsvHeader = ["csm", "customerId", "name", "segment", "status", "arr", "arrYearBefore", "currency"];

    [WolverineGet("/api/v1/books/{csm}")]
    [Tags("Figures")]
    [EndpointSummary("A CSM's book of business: accounts, ARR, health mix, renewals due in the next 90 days, and twelve-month retention of the accounts")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.KnownAt, QueryParameter.Format)]
    [ProducesResponseType<BookResponse>(StatusCodes.Status200OK, "application/json", ResponseFormats.CsvMediaType)]
    public static async Task<IResult> Get(
        string csm, FigureRequest request, BookOfBusiness books, HealthScores health, ReportingOptions reporting, CancellationToken cancellation)
    {
        var f = await books.QueryAsync(csm, request.AsOf, request.KnownAt, cancellation);
        if (f is null)
        {
            return Problems.NotFound("csm",
                $"no customer was given the CSM '{csm}' by an event recorded by {InstantPattern.ExtendedIso.Format(request.KnownAt)}");
        }

        var mix = (await health.QueryAsync(request.AsOf, request.KnownAt, new AccountFilter(null, csm, null), null, cancellation)).Distribution;
        var accounts = f.Accounts.Select(a => new BookAccountView(a.CustomerId, a.Name, a.Segment, a.Status, a.Arr, a.ArrYearBefore)).ToList();
        return new StreamedResult(request, $"book-{request.AsOf:yyyy-MM-dd}",
            (json, _) =>
            {
                json.Item(new BookResponse(csm, request.AsOf, request.AsOf.PlusYears(-1).PlusDays(1), request.KnownAt, reporting.Currency, f.ActiveAccounts,
                    f.Arr, f.CohortCustomers, f.OpeningArr, f.ClosingArr, f.GrossRenewalRate, f.NetRenewalRate, f.LogoRetention, f.RenewalsDue.Count,
                    [.. f.RenewalsDue.Select(DueContractView.Of)], BandCountsView.Of(mix, csm: csm), accounts));
                return Task.CompletedTask;
            },
            async (csv, cancellation) =>
            {
                await csv.WriteAsync(CsvHeader, cancellation).ConfigureAwait(false);
                foreach (var a in accounts)
                {
                    await csv.WriteAsync(
                        [csm, a.CustomerId, CsvRows.Text(a.Name), a.Segment, a.Status, CsvRows.Money(a.Arr), CsvRows.Money(a.ArrYearBefore), reporting.Currency],
                        cancellation).ConfigureAwait(false);
                }
            });
    }
}
