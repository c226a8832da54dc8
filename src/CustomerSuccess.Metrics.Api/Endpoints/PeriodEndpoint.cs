using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Periods;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>GET /api/v1/periods/{period}: a month as reported at close and as known now, and what changed in between.</summary>
[RequiresScope(Scopes.MetricsRead)]
public static class PeriodEndpoint
{
    [WolverineGet("/api/v1/periods/{period}")]
    [Tags("Periods")]
    [EndpointSummary("A month as reported at its close and as known now, each difference with the events that caused it")]
    [AcceptsQuery(QueryParameter.KnownAt)]
    [ProducesResponseType<PeriodResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        string period, FigureRequest request, PeriodBook periods, PeriodReport report, Restatements restatements, ReportingOptions reporting,
        CancellationToken cancellation)
    {
        if (PeriodBook.Parse(period) is not { } month)
        {
            return PeriodProblems.InvalidPeriod();
        }

        var state = await periods.StateAsync(month, request.KnownAt, cancellation);
        return Results.Ok(await PeriodResponse.BuildAsync(state, request.KnownAt, report, restatements, reporting, cancellation));
    }
}
