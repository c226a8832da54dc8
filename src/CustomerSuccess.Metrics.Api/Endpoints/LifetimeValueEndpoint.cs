using System.Globalization;
using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.LifetimeValue;
using Microsoft.AspNetCore.Mvc;
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

/// <summary>
/// GET /api/v1/metrics/ltv: customer lifetime value, ARPA over the annual revenue churn rate, with its inputs, per segment.
/// JSON, or CSV with a row for the book (or the segment asked for) and, for the book, one per segment.
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class LifetimeValueEndpoint
{
    private static readonly string[] CsvHeader =
        ["segment", "asOf", "from", "arr", "activeCustomers", "arpa", "openingArr", "churnArr", "revenueChurnRate", "lifetimeValue", "currency", "notes"];

    [WolverineGet("/api/v1/metrics/ltv")]
    [Tags("Figures")]
    [EndpointSummary("Customer lifetime value: ARPA over the annual revenue churn rate, with its inputs, for the book and each segment")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.KnownAt, QueryParameter.Segment, QueryParameter.Format)]
    [ProducesResponseType<LifetimeValueResponse>(StatusCodes.Status200OK, "application/json", ResponseFormats.CsvMediaType)]
    public static IResult Get(FigureRequest request, LifetimeValueQuery query, ReportingOptions reporting)
    {
        var from = request.AsOf.PlusYears(-1).PlusDays(1);
        return new StreamedResult(request, $"ltv-{request.AsOf:yyyy-MM-dd}",
            async (json, cancellation) =>
            {
                var (f, parts) = await QueryAsync(request, query, cancellation).ConfigureAwait(false);
                json.Item(new LifetimeValueResponse(request.AsOf, from, request.KnownAt, request.Segment, reporting.Currency,
                    f.Arr, f.ActiveCustomers, f.Arpa, f.OpeningArr, f.ChurnArr, f.RevenueChurnRate, f.LifetimeValue, f.Notes,
                    [.. parts.Select(LifetimeValueView.Of)]));
            },
            async (csv, cancellation) =>
            {
                var (f, parts) = await QueryAsync(request, query, cancellation).ConfigureAwait(false);
                await csv.WriteAsync(CsvHeader, cancellation).ConfigureAwait(false);
                foreach (var row in parts.Prepend(f))
                {
                    await csv.WriteAsync(
                    [
                        row.Segment, CsvRows.Date(request.AsOf), CsvRows.Date(from), CsvRows.Money(row.Arr),
                        row.ActiveCustomers.ToString(CultureInfo.InvariantCulture), Optional(row.Arpa, CsvRows.Money), CsvRows.Money(row.OpeningArr),
                        CsvRows.Money(row.ChurnArr), Optional(row.RevenueChurnRate, r => Presentation.Rate(r).ToString(CultureInfo.InvariantCulture)),
                        Optional(row.LifetimeValue, CsvRows.Money), reporting.Currency, CsvRows.Text(string.Join(" ", row.Notes)),
                    ], cancellation).ConfigureAwait(false);
                }
            });
    }

    private static string? Optional(decimal? value, Func<decimal, string> format) => value is { } v ? format(v) : null;

    private static async Task<(LifetimeValueFigures Book, LifetimeValueFigures[] Segments)> QueryAsync(
        FigureRequest request, LifetimeValueQuery query, CancellationToken cancellation)
    {
        var segments = request.Segment is null ? Segments.All : [];
        var parts = await Task.WhenAll(segments.Select(s => query.QueryAsync(request.AsOf, request.KnownAt, s, cancellation))).ConfigureAwait(false);
        return (await query.QueryAsync(request.AsOf, request.KnownAt, request.Segment, cancellation).ConfigureAwait(false), parts);
    }
}
