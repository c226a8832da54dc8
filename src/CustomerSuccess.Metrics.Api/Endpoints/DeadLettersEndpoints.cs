using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using System.Text;
using CustomerSuccess.Metrics.Messaging;
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
[RequiresScope(Scopes.Admin)]
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
    public static async Task<IResult> Replay(string id, RefusedMessageReplay replay, CancellationToken cancellation)
    {
        if (!RefusedMessages.TryParseId(id, out var guid))
        {
            return NotAnId();
        }

        return await replay.ReplayAsync(guid, cancellation) switch
        {
            ReplayOutcome.Recorded recorded => Results.Ok(new RecordEventsResponse(recorded.Results, recorded.RecordedAt)),
            ReplayOutcome.Unreadable unreadable => Problems.Invalid(unreadable.Errors),
            ReplayOutcome.RefusedAgain again => Problems.Refused(again.Decision, again.Refusal.Field),
            _ => NotWaiting(id),
        };
    }

    [WolverinePost("/api/v1/dead-letters/{id}/discard")]
    [Tags("Dead letters")]
    [EndpointSummary("Set a refused message aside for good; it stays on record as discarded")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public static async Task<IResult> Discard(string id, RefusedMessages refused, CancellationToken cancellation)
    {
        if (!RefusedMessages.TryParseId(id, out var guid))
        {
            return NotAnId();
        }

        return await refused.SettleAsync(guid, RefusedMessageStates.Discarded, cancellation) ? Results.NoContent() : NotWaiting(id);
    }

    private static IResult NotAnId() => Problems.Invalid("id", "must be the id of a dead letter as GET /api/v1/dead-letters lists it");

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
