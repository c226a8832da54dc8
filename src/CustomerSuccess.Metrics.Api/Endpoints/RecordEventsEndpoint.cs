using System.Text.Json;
using CustomerSuccess.Metrics.Recording;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record RecordEventsResponse(IReadOnlyList<RecordedEvent> Results, NodaTime.Instant? RecordedAt);

/// <summary>POST /api/v1/events: one event or a batch of up to 1,000, applied atomically and idempotently.</summary>
public static class RecordEventsEndpoint
{
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    [WolverinePost("/api/v1/events")]
    public static async Task<IResult> Post(HttpRequest request, RecordEvents recorder, CancellationToken cancellation)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }

        using var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellation)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return TooLarge();
            }

            body.Write(buffer, 0, read);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.GetBuffer().AsMemory(0, (int)body.Length), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return Problems.Invalid("", $"the body is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var parsed = EventParser.Parse(document.RootElement);
            if (!parsed.IsValid)
            {
                return Problems.Invalid(parsed.Errors);
            }

            RecordOutcome outcome;
            try
            {
                outcome = await recorder.HandleAsync(parsed.Events, cancellation);
            }
            catch (ReadModelsOutdatedException e)
            {
                return Results.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "The read models must be rebuilt before events can be recorded");
            }

            if (outcome.Refusal is { } refusal)
            {
                var isBatch = document.RootElement.ValueKind == JsonValueKind.Array;
                var index = parsed.Events.Select(e => e.EventId).ToList().IndexOf(refusal.EventId);
                return Problems.Refused(refusal, isBatch ? $"[{index}].{refusal.Field}" : refusal.Field);
            }

            return Results.Ok(new RecordEventsResponse(outcome.Results, outcome.RecordedAt));
        }
    }

    private static IResult TooLarge() =>
        Problems.TooLarge($"the body may be at most {MaxBodyBytes / 1024 / 1024} MiB; send large loads as batches of up to 1,000 events");
}
