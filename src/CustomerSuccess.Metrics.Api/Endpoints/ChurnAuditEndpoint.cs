using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using CustomerSuccess.Metrics.Audit;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record MonthEndArrView(LocalDate MonthEnd, [property: Money] decimal Arr);

public sealed record ChurnEntryView(
    string CustomerId, string? ContractId, string Kind, LocalDate ChurnDate, string? Segment, [property: Money] decimal ArrLost,
    string? Reason, IReadOnlyList<string> EventIds, IReadOnlyList<ChurnEvent> ChurnEvents, LocalDate? ReactivatedOn,
    IReadOnlyList<MonthEndArrView> ArrHistory)
{
    public static ChurnEntryView Of(ChurnEntry e) => new(
        e.CustomerId, e.ContractId, e.Kind, e.ChurnDate, e.Segment, e.ArrLost, e.Reason, e.EventIds, e.ChurnEvents, e.ReactivatedOn,
        [.. e.ArrHistory.Select(h => new MonthEndArrView(h.MonthEnd, h.Arr))]);
}

/// <summary>The totals follow the entries, since they are summed as the entries are written.</summary>
public sealed record ChurnAuditResponse(
    LocalDate From, LocalDate To, Instant KnownAt, string? Segment, string Currency, IReadOnlyList<ChurnEntryView> Entries,
    [property: Money] decimal TotalArrLost, [property: Money] decimal ContractArrLost);

/// <summary>
/// GET /api/v1/audit/churn: every customer lost in a period (whose ARR lost adds up to the bridge's churn) and every
/// contract that ended inside a customer who stayed, with the events behind each; JSON or CSV, written as it is read.
/// </summary>
[RequiresScope(Scopes.MetricsRead)]
public static class ChurnAuditEndpoint
{
    /// <summary>Stands in a CSV list for a sender not kept: no key name starts with '-'.</summary>
    private const string NotKept = "-";

    private static readonly string[] CsvHeader =
    [
        "kind", "customerId", "contractId", "churnDate", "segment", "arrLost", "currency", "reason", "reactivatedOn", "eventIds",
        "churnEventIds", "churnRecordedAt", "churnPublishedBy", "churnVia", .. Enumerable.Range(0, ChurnAudit.HistoryMonths).Select(i => $"arrMonthEnd-{ChurnAudit.HistoryMonths - i}"),
    ];

    [WolverineGet("/api/v1/audit/churn")]
    [Tags("Audit")]
    [EndpointSummary("Every customer lost and every contract ended in a period, with the events behind each")]
    [AcceptsQuery(QueryParameter.From, QueryParameter.To, QueryParameter.KnownAt, QueryParameter.Segment, QueryParameter.Format)]
    [ProducesResponseType<ChurnAuditResponse>(StatusCodes.Status200OK, "application/json", ResponseFormats.CsvMediaType)]
    public static IResult Get(FigureRequest request, ChurnAudit audit, ReportingOptions reporting)
    {
        IAsyncEnumerable<ChurnEntry> Entries(CancellationToken cancellation) =>
            audit.EntriesAsync(request.From, request.To, request.KnownAt, request.Segment, cancellation);

        return new StreamedResult(request, $"churn-{request.From:yyyy-MM-dd}-{request.To:yyyy-MM-dd}",
            async (json, cancellation) =>
            {
                json.Writer.WriteStartObject();
                json.Property("from", request.From);
                json.Property("to", request.To);
                json.Property("knownAt", request.KnownAt);
                json.Property("segment", request.Segment);
                json.Property("currency", reporting.Currency);
                json.Writer.WriteStartArray("entries");
                var (logos, contracts) = (0m, 0m);
                await foreach (var entry in Entries(cancellation).ConfigureAwait(false))
                {
                    (logos, contracts) = entry.Kind == ChurnKinds.Logo ? (logos + entry.ArrLost, contracts) : (logos, contracts + entry.ArrLost);
                    json.Item(ChurnEntryView.Of(entry));
                    await json.SendIfFullAsync(cancellation).ConfigureAwait(false);
                }

                json.Writer.WriteEndArray();
                json.Property("totalArrLost", Presentation.Money(logos));
                json.Property("contractArrLost", Presentation.Money(contracts));
                json.Writer.WriteEndObject();
            },
            async (csv, cancellation) =>
            {
                await csv.WriteAsync(CsvHeader, cancellation).ConfigureAwait(false);
                await foreach (var e in Entries(cancellation).ConfigureAwait(false))
                {
                    await csv.WriteAsync(
                    [
                        e.Kind, e.CustomerId, e.ContractId, CsvRows.Date(e.ChurnDate), e.Segment, CsvRows.Money(e.ArrLost), reporting.Currency,
                        CsvRows.Text(e.Reason), CsvRows.Date(e.ReactivatedOn), string.Join(' ', e.EventIds),
                        string.Join(' ', e.ChurnEvents.Select(c => c.EventId)), string.Join(' ', e.ChurnEvents.Select(c => CsvRows.Instant(c.RecordedAt))),
                        string.Join(' ', e.ChurnEvents.Select(c => c.PublishedBy ?? NotKept)), string.Join(' ', e.ChurnEvents.Select(c => c.Via ?? NotKept)),
                        .. e.ArrHistory.Select(h => CsvRows.Money(h.Arr)),
                    ], cancellation).ConfigureAwait(false);
                }
            });
    }
}
