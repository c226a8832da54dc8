using CustomerSuccess.Metrics.CostOfRetention;
using CustomerSuccess.Metrics.Knowledge;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record CostOfRetentionResponse(
    LocalDate From, LocalDate To, Instant KnownAt, string? Segment, string Currency, decimal TotalCost,
    IReadOnlyDictionary<string, decimal> ByCategory, int RetainedCustomers, decimal? CostOfRetention, IReadOnlyList<string> Notes);

/// <summary>GET /api/v1/metrics/cost-of-retention: retention spend per retained customer.</summary>
public static class CostOfRetentionEndpoint
{
    [WolverineGet("/api/v1/metrics/cost-of-retention")]
    public static async Task<IResult> Get(
        HttpRequest request, CostOfRetentionQuery query, RecordingClock recordingClock, ReportingOptions reporting,
        CancellationToken cancellation)
    {
        var parameters = new ReadParameters(request.Query);
        var (from, to) = parameters.Range();
        var requestedKnownAt = parameters.Instant("knownAt");
        var segment = parameters.Segment();
        if (!parameters.IsValid)
        {
            return Problems.Invalid(parameters.Errors);
        }

        var knownAt = await recordingClock.SettleAsync(requestedKnownAt, cancellation);
        var f = await query.QueryAsync(from, to, knownAt, segment, cancellation);
        return Results.Ok(new CostOfRetentionResponse(from, to, knownAt, segment, reporting.Currency, Presentation.Money(f.TotalCost),
            f.ByCategory.ToDictionary(c => c.Key, c => Presentation.Money(c.Value)), f.RetainedCustomers,
            f.CostOfRetention is { } cost ? Presentation.Money(cost) : null, f.Notes));
    }
}
