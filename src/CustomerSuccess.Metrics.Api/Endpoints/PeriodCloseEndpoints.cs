using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Knowledge;
using CustomerSuccess.Metrics.Periods;
using CustomerSuccess.Metrics.Recording;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
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
        var (month, refused) = await ReadAsync(period, http, cancellation);
        if (refused is not null)
        {
            return refused;
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
        return outcome switch
        {
            CloseOutcome.NotEnded => PeriodProblems.Conflict("The month has not ended", $"{name} has not ended yet (UTC); close it once it has.", name),
            CloseOutcome.ChangedSinceClose => PeriodProblems.Conflict(
                "The month was closed and its figures have changed since",
                $"{name} was closed at {InstantPattern.ExtendedIso.Format(state.LastClose!.RecordedAt)} and events recorded since have " +
                $"changed its figures: see the restatement at GET /api/v1/periods/{name}. To close it again with the figures as known " +
                $"now, reopen it first (POST /api/v1/periods/{name}/reopen).", name),
            _ => await AnswerAsync(state, outcome == CloseOutcome.Closed, report, restatements, reporting, recordingClock, cancellation),
        };
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
        var (month, refused) = await ReadAsync(period, http, cancellation);
        if (refused is not null)
        {
            return refused;
        }

        try
        {
            // Nothing is recorded while the answer could not be given.
            await recordingClock.SettleAsync(null, readsReadModels: true, cancellation);
        }
        catch (ReadModelsOutdatedException e)
        {
            return Results.Problem(Problems.ReadModelsIncomplete(e.Message));
        }

        var (reopened, state) = await periods.ReopenAsync(month, CallerName(http), cancellation);
        var name = YearMonthPattern.Iso.Format(month);
        return reopened
            ? await AnswerAsync(state, created: false, report, restatements, reporting, recordingClock, cancellation)
            : PeriodProblems.Conflict("The month is not closed", $"{name} is not closed, so there is nothing to reopen.", name);
    }

    /// <summary>The month asked about, or the problem with the request: neither takes a body, and one sent is refused rather than ignored.</summary>
    private static async Task<(YearMonth Month, IResult? Problem)> ReadAsync(string period, HttpRequest http, CancellationToken cancellation)
    {
        if (await RequestBody.ReadAtMostAsync(http, 0, cancellation) is null)
        {
            return (default, Problems.Invalid("body", "must be empty: closing and reopening a month take no body"));
        }

        return PeriodBook.Parse(period) is { } month ? (month, null) : (default, PeriodProblems.InvalidPeriod());
    }

    /// <summary>The month's view as known now, after what was just recorded.</summary>
    private static async Task<IResult> AnswerAsync(
        PeriodState state, bool created, PeriodReport report, Restatements restatements, ReportingOptions reporting, RecordingClock recordingClock,
        CancellationToken cancellation)
    {
        try
        {
            var knownAt = await recordingClock.SettleAsync(null, readsReadModels: true, cancellation);
            var view = await PeriodResponse.BuildAsync(state, knownAt, report, restatements, reporting, cancellation);
            return created ? Results.Created($"/api/v1/periods/{view.Period}", view) : Results.Ok(view);
        }
        catch (ReadModelsOutdatedException e)
        {
            return Results.Problem(Problems.ReadModelsIncomplete(e.Message));
        }
    }

    private static string CallerName(HttpRequest http) =>
        http.HttpContext.Features.Get<Caller>()?.Name ?? throw new InvalidOperationException("Access control lets no request through without a key.");
}
