using System.Text;
using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.Ledger;
using NodaTime;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// One event as every ingest path sends it: the row the raw COPY writes, and the stream Marten appends it to (as the host
/// does: a contract event to its customer's, a void to the voided event's, costs and signals to streams of their own).
/// </summary>
internal sealed record EventRow(string EventId, string StreamKey, string Type, LocalDate? EffectiveDate, string Json);

/// <summary>A batch in the published wire format (a JSON array) and the same events as rows.</summary>
internal sealed record BookBatch(int Index, byte[] Body, IReadOnlyList<EventRow> Rows);

/// <summary>
/// The generated book cut into batches of 1,000 in publish order. Each batch is rendered when asked for, so
/// the large book is never held in memory as JSON; batches must be asked for in order, because a void's
/// stream is the stream of the event it voids.
/// </summary>
internal sealed class PublishedBook(IReadOnlyList<JsonObject> events)
{
    public const int BatchSize = 1000;

    private readonly Dictionary<string, string> _streamOf = new(StringComparer.Ordinal);
    private int _next;

    public int EventCount => events.Count;

    public int BatchCount => (events.Count + BatchSize - 1) / BatchSize;

    public BookBatch Batch(int index)
    {
        if (index != _next)
        {
            throw new InvalidOperationException($"Batches are rendered in publish order: expected {_next}, asked for {index}.");
        }

        _next++;
        var start = index * BatchSize;
        var rows = new List<EventRow>(BatchSize);
        for (var i = start; i < Math.Min(start + BatchSize, events.Count); i++)
        {
            rows.Add(Row(events[i]));
        }

        var body = Encoding.UTF8.GetBytes("[" + string.Join(",", rows.Select(r => r.Json)) + "]");
        return new BookBatch(index, body, rows);
    }

    private EventRow Row(JsonObject e)
    {
        var eventId = Text(e, "eventId")!;
        var type = Text(e, "type")!;
        var streamKey = type switch
        {
            "event.voided" => _streamOf[Text(e, "voidedEventId")!],
            "retention_cost.recorded" => StreamKeys.RetentionCosts,
            _ when e["contractId"] is null => StreamKeys.Signals,
            _ => Text(e, "customerId")!,
        };
        _streamOf[eventId] = streamKey;

        var date = Text(e, "effectiveDate") ?? Text(e, "date");
        return new EventRow(eventId, streamKey, type, date is null ? null : LocalDatePattern.Iso.Parse(date).Value, e.ToJsonString());
    }

    private static string? Text(JsonObject e, string name) => e[name]?.GetValue<string>();
}
