using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Periods;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record RestatedPeriod(
    string Period, Instant ClosedAt, string ClosedBy, Instant KnownAt, Instant ComparedFrom, IReadOnlyList<PeriodDifference> Differences);

public sealed record RestatementsResponse(Instant Since, Instant Until, string Currency, IReadOnlyList<RestatedPeriod> Periods);

/// <summary>GET /api/v1/audit/restatements: every closed month whose figures changed between two knowledge instants.</summary>
[RequiresScope(Scopes.MetricsRead)]
public static class RestatementsEndpoint
{
    [WolverineGet("/api/v1/audit/restatements")]
    [Tags("Audit")]
    [EndpointSummary("Closed months whose figures changed between two knowledge instants, figure by figure, with the causing events")]
    [AcceptsQuery(QueryParameter.Since, QueryParameter.Until)]
    [ProducesResponseType<RestatementsResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        FigureRequest request, Restatements restatements, ReportingOptions reporting, CancellationToken cancellation)
    {
        var since = request.RecordedFrom!.Value;
        if (since > request.RecordedTo)
        {
            return Problems.Invalid("since", $"must not be after until ({InstantPattern.ExtendedIso.Format(request.RecordedTo)}, which is now when until is left out)");
        }

        var found = await restatements.ListAsync(since, request.RecordedTo, cancellation);
        return Results.Ok(new RestatementsResponse(since, request.RecordedTo, reporting.Currency, [.. found.Select(r => new RestatedPeriod(
            YearMonthPattern.Iso.Format(r.State.Month), r.State.LastClose!.RecordedAt, r.State.LastClose.By, r.State.LastClose.KnownAt!.Value, r.Since,
            [.. r.Changes.Select(PeriodDifference.Of)]))]));
    }
}
