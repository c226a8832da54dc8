using CustomerSuccess.Metrics.Api.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;
using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Recording;
using CustomerSuccess.Metrics.Messaging;
using CustomerSuccess.Metrics.Telemetry;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record RecordEventsResponse(IReadOnlyList<RecordedEvent> Results, NodaTime.Instant? RecordedAt);

/// <summary>POST /api/v1/events: one event or a batch of up to 1,000, applied atomically and idempotently.</summary>
[RequiresScope(Scopes.EventsWrite)]
public static class RecordEventsEndpoint
{
    public const int MaxBodyBytes = EventBody.MaxBytes;

    [WolverinePost("/api/v1/events")]
    [Tags("Events")]
    [EndpointSummary("Record one contract event or a batch of up to 1,000, atomically and idempotently by eventId")]
    [ProducesResponseType<RecordEventsResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(HttpRequest request, RecordEvents recorder, CancellationToken cancellation)
    {
        if (!IsJson(request.ContentType))
        {
            return Refuse("content_type", Problems.UnsupportedMediaType(
                $"send the body as application/json (or a +json type); this request's content type is '{request.ContentType ?? "none"}'"));
        }

        if (await RequestBody.ReadAtMostAsync(request, MaxBodyBytes, cancellation) is not { } body)
        {
            return TooLarge();
        }

        var parsed = EventBody.Parse(body, out var isBatch);
        if (!parsed.IsValid)
        {
            return Refuse(MessageRefusal.RuleOf(parsed.Errors.Keys.First()), Problems.Invalid(parsed.Errors));
        }

        RecordOutcome outcome;
        try
        {
            outcome = await recorder.HandleAsync(parsed.Events, new Sender(request.HttpContext.Features.Get<Caller>()?.Name, Transports.Http), cancellation);
        }
        catch (ReadModelsOutdatedException e)
        {
            return Refuse("read_models", Results.Problem(e.Message, statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The read models must be rebuilt before events can be recorded"));
        }

        if (outcome.Refusal is { } refusal)
        {
            var index = parsed.Events.Select(e => e.EventId).ToList().IndexOf(refusal.EventId);
            return Refuse(refusal.Field, Problems.Refused(refusal, isBatch ? $"[{index}].{refusal.Field}" : refusal.Field));
        }

        return Results.Ok(new RecordEventsResponse(outcome.Results, outcome.RecordedAt));
    }

    /// <summary>
    /// Only JSON is read. A browser may send text/plain or form bodies from any page without asking the server first;
    /// refusing them keeps other sites' pages from recording events through a visitor's browser.
    /// </summary>
    private static bool IsJson(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.HasValue)
        {
            return false;
        }

        var type = media.MediaType.Value;
        var charset = media.Charset.ToString();
        return (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
               && (charset.Length == 0 || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Counts a refusal by its status and the rule (the field at fault) before answering with it.</summary>
    private static IResult Refuse(string rule, IResult problem)
    {
        var status = (problem as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status400BadRequest;
        EngineTelemetry.Refusals.Add(1, new KeyValuePair<string, object?>("status", status), new KeyValuePair<string, object?>("rule", rule));
        return problem;
    }


    private static IResult TooLarge() =>
        Refuse("body_size", Problems.TooLarge($"the body may be at most {MaxBodyBytes / 1024 / 1024} MiB; send large loads as batches of up to 1,000 events"));
}
