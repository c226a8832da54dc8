using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Retention;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record CohortMemberView(
    string CustomerId, [property: Money] decimal OpeningArr, [property: Money] decimal ClosingArr, [property: Money] decimal GrossArr, bool Retained)
{
    public static CohortMemberView Of(CohortMember m) => new(m.CustomerId, m.OpeningArr, m.ClosingArr, m.GrossArr, m.Retained);
}

/// <summary>
/// The fields of <see cref="RetentionResponse"/>, the sums behind its cohort rates (Σ e_c as <c>closingArr</c>,
/// Σ min(e_c, o_c) as <c>grossArr</c>, the members with e_c > 0 as <c>retainedCustomers</c>) and the cohort itself.
/// </summary>
public sealed record RetentionExplanationResponse(
    LocalDate From, LocalDate To, Instant KnownAt, string? Segment, string Currency, int CohortCustomers, int RetainedCustomers,
    [property: Money] decimal OpeningArr, [property: Money] decimal ClosingArr, [property: Money] decimal GrossArr,
    [property: Rate] decimal? GrossRenewalRate, [property: Rate] decimal? NetRenewalRate, [property: Rate] decimal? LogoRetention,
    [property: Rate] decimal? LogoChurnRate, [property: Rate] decimal? ExpansionRate, [property: Rate] decimal? ContractionRate,
    [property: Rate] decimal? RevenueChurnRate, [property: Rate] decimal? QuickRatio, IReadOnlyList<string> Notes,
    IReadOnlyList<CohortMemberView> Cohort);

/// <summary>
/// GET /api/v1/explain/retention: the retention rates of <c>/api/v1/metrics/retention</c> with the opening cohort
/// behind them, member by member; JSON or CSV (a row per member), written as it is read.
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class RetentionExplanationEndpoint
{
    private static readonly string[] CsvHeader = ["customerId", "openingArr", "closingArr", "grossArr", "retained", "currency"];

    [WolverineGet("/api/v1/explain/retention")]
    [Tags("Explanations")]
    [EndpointSummary("The retention rates with the opening cohort behind them, member by member")]
    [AcceptsQuery(QueryParameter.AsOf, QueryParameter.From, QueryParameter.To, QueryParameter.KnownAt, QueryParameter.Segment, QueryParameter.Format)]
    [ProducesResponseType<RetentionExplanationResponse>(StatusCodes.Status200OK, "application/json", ResponseFormats.CsvMediaType)]
    public static IResult Get(FigureRequest request, RetentionCohort cohort, RetentionCohortMembers members, ReportingOptions reporting)
    {
        IAsyncEnumerable<CohortMember> Members(CancellationToken cancellation) =>
            members.MembersAsync(request.From, request.To, request.KnownAt, request.Segment, cancellation);

        return new StreamedResult(request, $"retention-{request.From:yyyy-MM-dd}-{request.To:yyyy-MM-dd}",
            async (json, cancellation) =>
            {
                var (c, bridge) = await cohort.QueryAsync(request.From, request.To, request.KnownAt, request.Segment, cancellation).ConfigureAwait(false);
                var f = RetentionRates.Compute(c, bridge);
                json.Writer.WriteStartObject();
                json.Property("from", request.From);
                json.Property("to", request.To);
                json.Property("knownAt", request.KnownAt);
                json.Property("segment", request.Segment);
                json.Property("currency", reporting.Currency);
                json.Property("cohortCustomers", c.Customers);
                json.Property("retainedCustomers", c.RetainedCustomers);
                json.Property("openingArr", Presentation.Money(c.OpeningArr));
                json.Property("closingArr", Presentation.Money(c.ClosingArr));
                json.Property("grossArr", Presentation.Money(c.RetainedArrCappedAtOpening));
                json.Property("grossRenewalRate", Rate(f.GrossRenewalRate));
                json.Property("netRenewalRate", Rate(f.NetRenewalRate));
                json.Property("logoRetention", Rate(f.LogoRetention));
                json.Property("logoChurnRate", Rate(f.LogoChurnRate));
                json.Property("expansionRate", Rate(f.ExpansionRate));
                json.Property("contractionRate", Rate(f.ContractionRate));
                json.Property("revenueChurnRate", Rate(f.RevenueChurnRate));
                json.Property("quickRatio", Rate(f.QuickRatio));
                json.Property("notes", f.Notes);
                json.Writer.WriteStartArray("cohort");
                await foreach (var member in Members(cancellation).ConfigureAwait(false))
                {
                    json.Item(CohortMemberView.Of(member));
                    await json.SendIfFullAsync(cancellation).ConfigureAwait(false);
                }

                json.Writer.WriteEndArray();
                json.Writer.WriteEndObject();
            },
            async (csv, cancellation) =>
            {
                await csv.WriteAsync(CsvHeader, cancellation).ConfigureAwait(false);
                await foreach (var m in Members(cancellation).ConfigureAwait(false))
                {
                    await csv.WriteAsync(
                        [m.CustomerId, CsvRows.Money(m.OpeningArr), CsvRows.Money(m.ClosingArr), CsvRows.Money(m.GrossArr), CsvRows.Boolean(m.Retained), reporting.Currency],
                        cancellation).ConfigureAwait(false);
                }
            });
    }

    private static decimal? Rate(decimal? rate) => rate is { } value ? Presentation.Rate(value) : null;
}
