using System.Text;
using CustomerSuccess.Metrics.Messaging;
using CustomerSuccess.Metrics.Recording;
using Microsoft.AspNetCore.Mvc;
using NodaTime;
using Wolverine.Http;

namespace CustomerSuccess.Metrics.Api.Endpoints;

public sealed record DeadLetterView(
    Guid Id, string Source, Instant FirstRefusedAt, Instant RefusedAt, int Status, string Rule, string Field, string Detail, string? EventId,
    string State, Instant? SettledAt, string? Body, string BodyBase64);

public sealed record DeadLettersResponse(long Total, int Offset, int Limit, IReadOnlyList<DeadLetterView> DeadLetters);

/// <summary>
/// GET /api/v1/dead-letters and the two things to do with one: replay it (record it now, after whatever it was waiting
/// for has arrived) or discard it. Messages from the bus land here when HTTP would have refused them.
/// </summary>
public static class DeadLettersEndpoints
{
    [WolverineGet("/api/v1/dead-letters")]
    [Tags("Dead letters")]
    [EndpointSummary("Messages from the bus that were refused, with why, waiting to be replayed or discarded")]
    [AcceptsQuery(QueryParameter.Limit, QueryParameter.Offset)]
    public static async Task<DeadLettersResponse> Get(FigureRequest request, RefusedMessages refused, CancellationToken cancellation)
    {
        var page = await refused.ListAsync(RefusedMessageStates.Refused, request.Offset, request.Limit, cancellation);
        return new DeadLettersResponse(page.Total, request.Offset, request.Limit, [.. page.Messages.Select(View)]);
    }

    [WolverinePost("/api/v1/dead-letters/{id}/replay")]
    [Tags("Dead letters")]
    [EndpointSummary("Record a refused message now, exactly as if it had just arrived; refused again, it stays with the new reason")]
    [ProducesResponseType<RecordEventsResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Replay(string id, RefusedMessages refused, RecordEvents recorder, CancellationToken cancellation)
    {
        var (message, problem) = await FindWaitingAsync(id, refused, cancellation);
        if (message is null)
        {
            return problem!;
        }

        var parsed = EventBody.Parse(message.Body, out var isBatch);
        if (!parsed.IsValid)
        {
            await refused.AddAsync(message.Source, message.Body, MessageRefusal.Invalid(parsed), cancellation);
            return Problems.Invalid(parsed.Errors);
        }

        var outcome = await recorder.HandleAsync(parsed.Events, cancellation);
        if (outcome.Refusal is { } refusal)
        {
            var again = MessageRefusal.Refused(refusal, parsed, isBatch);
            await refused.AddAsync(message.Source, message.Body, again, cancellation);
            return Problems.Refused(refusal, again.Field);
        }

        await refused.SettleAsync(message.Id, RefusedMessageStates.Replayed, cancellation);
        return Results.Ok(new RecordEventsResponse(outcome.Results, outcome.RecordedAt));
    }

    [WolverinePost("/api/v1/dead-letters/{id}/discard")]
    [Tags("Dead letters")]
    [EndpointSummary("Set a refused message aside for good; it stays on record as discarded")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public static async Task<IResult> Discard(string id, RefusedMessages refused, CancellationToken cancellation)
    {
        var (message, problem) = await FindWaitingAsync(id, refused, cancellation);
        if (message is null)
        {
            return problem!;
        }

        return await refused.SettleAsync(message.Id, RefusedMessageStates.Discarded, cancellation)
            ? Results.NoContent()
            : NotWaiting(id);
    }

    private static async Task<(RefusedMessage?, IResult?)> FindWaitingAsync(string id, RefusedMessages refused, CancellationToken cancellation)
    {
        if (!Guid.TryParseExact(id, "D", out var guid))
        {
            return (null, Problems.Invalid("id", "must be the id of a dead letter as GET /api/v1/dead-letters lists it"));
        }

        var message = await refused.FindAsync(guid, cancellation);
        return message is { State: RefusedMessageStates.Refused } ? (message, null) : (null, NotWaiting(id));
    }

    private static IResult NotWaiting(string id) =>
        Problems.NotFound("id", $"no dead letter '{id}' is waiting to be replayed or discarded");

    private static DeadLetterView View(RefusedMessage m) => new(
        m.Id, m.Source, m.FirstRefusedAt, m.RefusedAt, m.Refusal.Status, m.Refusal.Rule, m.Refusal.Field, m.Refusal.Detail, m.Refusal.EventId,
        m.State, m.SettledAt, Utf8OrNull(m.Body), Convert.ToBase64String(m.Body));

    private static string? Utf8OrNull(byte[] body)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
