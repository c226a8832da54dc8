using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Retention;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record RetentionResponse(
    LocalDate From, LocalDate To, Instant KnownAt, string? Segment, string Currency, int CohortCustomers, decimal OpeningArr,
    decimal? GrossRenewalRate, decimal? NetRenewalRate, decimal? LogoRetention, decimal? LogoChurnRate, decimal? ExpansionRate,
    decimal? ContractionRate, decimal? RevenueChurnRate, decimal? QuickRatio, IReadOnlyList<string> Notes);

/// <summary>
/// GET /api/v1/metrics/retention: gross and net renewal rate, logo retention and churn, expansion, contraction
/// and revenue churn rates, quick ratio. <c>asOf</c> instead of <c>from</c>/<c>to</c> asks for the trailing twelve months.
/// </summary>
public static class RetentionEndpoint
{
    [WolverineGet("/api/v1/metrics/retention")]
    public static async Task<IResult> Get(
        HttpRequest request, RetentionRates rates, RecordingClock recordingClock, ReportingOptions reporting, CancellationToken cancellation)
    {
        var parameters = new ReadParameters(request.Query);
        var trailingTwelveMonthsTo = request.Query.ContainsKey("from") || request.Query.ContainsKey("to") ? null : parameters.Date("asOf");
        var (from, to) = trailingTwelveMonthsTo is { } asOf ? (asOf.PlusYears(-1).PlusDays(1), asOf) : parameters.Range();
        var requestedKnownAt = parameters.Instant("knownAt");
        var segment = parameters.Segment();
        if (!parameters.IsValid)
        {
            return Problems.Invalid(parameters.Errors);
        }

        var knownAt = await recordingClock.SettleAsync(requestedKnownAt, cancellation);
        var f = await rates.QueryAsync(from, to, knownAt, segment, cancellation);
        decimal? Rate(decimal? value) => value is { } v ? Presentation.Rate(v) : null;
        return Results.Ok(new RetentionResponse(from, to, knownAt, segment, reporting.Currency, f.CohortCustomers,
            Presentation.Money(f.OpeningArr), Rate(f.GrossRenewalRate), Rate(f.NetRenewalRate), Rate(f.LogoRetention),
            Rate(f.LogoChurnRate), Rate(f.ExpansionRate), Rate(f.ContractionRate), Rate(f.RevenueChurnRate), Rate(f.QuickRatio),
            f.Notes));
    }
}
