using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Periods;
using CustomerSuccess.Metrics.Recording;
using Microsoft.AspNetCore.Mvc;
using NodaTime.Text;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

/// <summary>Problems of the period endpoints.</summary>
public static class PeriodProblems
{
    public static IResult InvalidPeriod() => Problems.Invalid(
        "period", $"must be a month written YYYY-MM, from {YearMonthPattern.Iso.Format(PeriodBook.Earliest)} to {YearMonthPattern.Iso.Format(PeriodBook.Latest)}");

    public static IResult Conflict(string title, string detail, string period) => Results.Problem(
        statusCode: StatusCodes.Status409Conflict, title: title, detail: detail, type: "https://httpstatuses.io/409",
        extensions: new Dictionary<string, object?>
        {
            ["period"] = period,
            ["errors"] = new Dictionary<string, string[]> { ["period"] = [detail] },
        });
}

/// <summary>
/// POST /api/v1/periods/{period}/close and /reopen: record what was reported for a month, and open a closed month again.
/// Both are events, kept in the month's history with the name of the key that sent them.
/// </summary>
[RequiresScope(Scopes.Admin)]
public static class PeriodCloseEndpoints
{
    [WolverinePost("/api/v1/periods/{period}/close")]
    [Tags("Periods")]
    [EndpointSummary("Close a month: record its figures as known now, with who closed it; idempotent while nothing changes")]
    [AcceptsQuery]
    [ProducesResponseType<PeriodResponse>(StatusCodes.Status201Created)]
    [ProducesResponseType<PeriodResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Close(
        string period, [NotBody] FigureRequest request, HttpRequest http, PeriodBook periods, PeriodReport report, Restatements restatements,
        ReportingOptions reporting, RecordingClock recordingClock, CancellationToken cancellation)
    {
        if (await RefuseBodyAsync(http, cancellation) is { } refused)
        {
            return refused;
        }

        if (PeriodBook.Parse(period) is not { } month)
        {
            return PeriodProblems.InvalidPeriod();
        }

        CloseOutcome outcome;
        PeriodState state;
        try
        {
            (outcome, state) = await periods.CloseAsync(month, CallerName(http), cancellation);
        }
        catch (ReadModelsOutdatedException e)
        {
            return Results.Problem(Problems.ReadModelsIncomplete(e.Message));
        }

        var name = YearMonthPattern.Iso.Format(month);
        switch (outcome)
        {
            case CloseOutcome.NotEnded:
                return PeriodProblems.Conflict("The month has not ended", $"{name} has not ended yet (UTC); close it once it has.", name);
            case CloseOutcome.ChangedSinceClose:
                return PeriodProblems.Conflict(
                    "The month was closed and its figures have changed since",
                    $"{name} was closed at {InstantPattern.ExtendedIso.Format(state.LastClose!.RecordedAt)} and events recorded since have " +
                    $"changed its figures: see the restatement at GET /api/v1/periods/{name}. To close it again with the figures as known " +
                    $"now, reopen it first (POST /api/v1/periods/{name}/reopen).", name);
        }

        var knownAt = await recordingClock.SettleAsync(null, readsReadModels: true, cancellation);
        var view = await PeriodResponse.BuildAsync(state, knownAt, report, restatements, reporting, cancellation);
        return outcome == CloseOutcome.Closed ? Results.Created($"/api/v1/periods/{name}", view) : Results.Ok(view);
    }

    [WolverinePost("/api/v1/periods/{period}/reopen")]
    [Tags("Periods")]
    [EndpointSummary("Reopen a closed month; its close stays in its history")]
    [AcceptsQuery]
    [ProducesResponseType<PeriodResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Reopen(
        string period, [NotBody] FigureRequest request, HttpRequest http, PeriodBook periods, PeriodReport report, Restatements restatements,
        ReportingOptions reporting, RecordingClock recordingClock, CancellationToken cancellation)
    {
        if (await RefuseBodyAsync(http, cancellation) is { } refused)
        {
            return refused;
        }

        if (PeriodBook.Parse(period) is not { } month)
        {
            return PeriodProblems.InvalidPeriod();
        }

        var (reopened, state) = await periods.ReopenAsync(month, CallerName(http), cancellation);
        var name = YearMonthPattern.Iso.Format(month);
        if (!reopened)
        {
            return PeriodProblems.Conflict("The month is not closed", $"{name} is not closed, so there is nothing to reopen.", name);
        }

        var knownAt = await recordingClock.SettleAsync(null, readsReadModels: true, cancellation);
        return Results.Ok(await PeriodResponse.BuildAsync(state, knownAt, report, restatements, reporting, cancellation));
    }

    private static string CallerName(HttpRequest http) =>
        http.HttpContext.Features.Get<Caller>()?.Name ?? throw new InvalidOperationException("Access control lets no request through without a key.");

    /// <summary>Neither request takes a body: one sent is refused rather than ignored.</summary>
    private static async Task<IResult?> RefuseBodyAsync(HttpRequest http, CancellationToken cancellation) =>
        await RequestBody.ReadAtMostAsync(http, 0, cancellation) is null
            ? Problems.Invalid("body", "must be empty: closing and reopening a month take no body")
            : null;
}
