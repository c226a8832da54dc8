using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Timeline;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record DayFiguresView([property: Money] decimal ArrBefore, [property: Money] decimal ArrAfter, string? Kind)
{
    public static DayFiguresView Of(DayFigures figures) => new(figures.ArrBefore, figures.ArrAfter, figures.Kind);
}

public sealed record TimelineDayView(
    LocalDate Date, [property: Money] decimal ArrBefore, [property: Money] decimal ArrAfter, string? Kind, IReadOnlyList<TimelineEvent> Events)
{
    public static TimelineDayView Of(TimelineDay day) => new(day.Date, day.Figures.ArrBefore, day.Figures.ArrAfter, day.Figures.Kind, day.Events);
}

public sealed record DayRevisionView(LocalDate Date, DayFiguresView Before, DayFiguresView After);

public sealed record TimelineRevisionView(Instant RecordedAt, IReadOnlyList<string> EventIds, IReadOnlyList<DayRevisionView> Changes)
{
    public static TimelineRevisionView Of(TimelineRevision revision) => new(revision.RecordedAt, revision.EventIds,
        [.. revision.Changes.Select(c => new DayRevisionView(c.Date, DayFiguresView.Of(c.Before), DayFiguresView.Of(c.After)))]);
}

public sealed record CustomerTimelineResponse(
    string CustomerId, Instant KnownAt, LocalDate From, LocalDate To, string Currency, IReadOnlyList<TimelineDayView> Days,
    IReadOnlyList<TimelineRevisionView> Revisions);

/// <summary>
/// GET /api/v1/customers/{customerId}/timeline: a customer's history day by day as known at an instant, and every
/// revision of it, written as it is computed.
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class CustomerTimelineEndpoint
{
    [WolverineGet("/api/v1/customers/{customerId}/timeline")]
    [Tags("Customers")]
    [EndpointSummary("A customer's history day by day as known at an instant, with the days each backdated event or void revised")]
    [AcceptsQuery(QueryParameter.From, QueryParameter.To, QueryParameter.KnownAt, ReadsEventLogOnly = true, RangeOptional = true)]
    [ProducesResponseType<CustomerTimelineResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(
        string customerId, FigureRequest request, CustomerTimeline timeline, ReportingOptions reporting, CancellationToken cancellation)
    {
        var ledger = await timeline.LedgerAsync(customerId, request.KnownAt, cancellation);
        if (ledger is null)
        {
            return Problems.CustomerNotFound(customerId, request.KnownAt);
        }

        return new StreamedResult(request, $"timeline-{customerId}", async (json, sending) =>
        {
            json.Writer.WriteStartObject();
            json.Property("customerId", customerId);
            json.Property("knownAt", request.KnownAt);
            json.Property("from", request.From);
            json.Property("to", request.To);
            json.Property("currency", reporting.Currency);
            json.Writer.WriteStartArray("days");
            foreach (var day in CustomerTimeline.Days(ledger, request.KnownAt, request.From, request.To))
            {
                json.Item(TimelineDayView.Of(day));
                await json.SendIfFullAsync(sending).ConfigureAwait(false);
            }

            json.Writer.WriteEndArray();
            json.Writer.WriteStartArray("revisions");
            foreach (var revision in CustomerTimeline.Revisions(ledger, request.KnownAt, request.From, request.To))
            {
                json.Item(TimelineRevisionView.Of(revision));
                await json.SendIfFullAsync(sending).ConfigureAwait(false);
            }

            json.Writer.WriteEndArray();
            json.Writer.WriteEndObject();
        });
    }
}
