using System.Globalization;
using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Audit;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record EventLogResponse(Instant KnownAt, string Currency, IReadOnlyList<LoggedEvent> Events, long Total);

/// <summary>
/// GET /api/v1/audit/events: every event recorded by an instant, in recorded order, with who sent it; JSON or CSV,
/// written as it is read, so that the whole log can be exported with flat memory.
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class EventLogEndpoint
{
    private static readonly string[] CsvHeader =
    [
        "sequence", "recordedAt", "eventId", "type", "customerId", "contractId", "effectiveDate", "amount", "currency", "termEndDate", "reason",
        "voidedEventId", "category", "period", "publishedBy", "via",
    ];

    [WolverineGet("/api/v1/audit/events")]
    [Tags("Audit")]
    [EndpointSummary("Every event recorded by an instant, in recorded order, with who sent it: the whole log, for export")]
    [AcceptsQuery(QueryParameter.KnownAt, QueryParameter.Format, ReadsEventLogOnly = true)]
    [ProducesResponseType<EventLogResponse>(StatusCodes.Status200OK, "application/json", ResponseFormats.CsvMediaType)]
    public static IResult Get(FigureRequest request, EventLog log, ReportingOptions reporting) =>
        new StreamedResult(request, "events",
            async (json, cancellation) =>
            {
                json.Writer.WriteStartObject();
                json.Property("knownAt", request.KnownAt);
                json.Property("currency", reporting.Currency);
                json.Writer.WriteStartArray("events");
                var total = 0L;
                await foreach (var e in log.EventsAsync(request.KnownAt, cancellation).ConfigureAwait(false))
                {
                    json.Item(e);
                    total++;
                    await json.SendIfFullAsync(cancellation).ConfigureAwait(false);
                }

                json.Writer.WriteEndArray();
                json.Property("total", total);
                json.Writer.WriteEndObject();
            },
            async (csv, cancellation) =>
            {
                await csv.WriteAsync(CsvHeader, cancellation).ConfigureAwait(false);
                await foreach (var e in log.EventsAsync(request.KnownAt, cancellation).ConfigureAwait(false))
                {
                    await csv.WriteAsync(
                    [
                        e.Sequence.ToString(CultureInfo.InvariantCulture), CsvRows.Instant(e.RecordedAt), e.EventId, e.Type,
                        e.CustomerId, e.ContractId, CsvRows.Date(e.EffectiveDate), e.Amount?.ToString(CultureInfo.InvariantCulture),
                        e.Amount is null ? null : reporting.Currency, CsvRows.Date(e.TermEndDate), CsvRows.Text(e.Reason), e.VoidedEventId,
                        e.Category, e.Period, e.PublishedBy, e.Via,
                    ], cancellation).ConfigureAwait(false);
                }
            });
}
