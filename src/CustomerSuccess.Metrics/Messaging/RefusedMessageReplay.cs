using CustomerSuccess.Metrics.Recording;
using NodaTime;

namespace CustomerSuccess.Metrics.Messaging;

/// <summary>What came of replaying a refused message.</summary>
public abstract record ReplayOutcome
{
    private ReplayOutcome()
    {
    }

    /// <summary>No refused message with that id is waiting: there never was one, or it was replayed or discarded.</summary>
    public sealed record NotWaiting : ReplayOutcome;

    /// <summary>Recorded now, each event appended or recognised as a duplicate; the message is settled as replayed.</summary>
    public sealed record Recorded(IReadOnlyList<RecordedEvent> Results, Instant? RecordedAt) : ReplayOutcome;

    /// <summary>The body still does not read: every error found. The message keeps waiting, with this refusal.</summary>
    public sealed record Unreadable(IReadOnlyDictionary<string, string[]> Errors, MessageRefusal Refusal) : ReplayOutcome;

    /// <summary>Refused again by the rules, for the reason given. The message keeps waiting, with this refusal.</summary>
    public sealed record RefusedAgain(Refusal Decision, MessageRefusal Refusal) : ReplayOutcome;
}

/// <summary>
/// Replays a refused message that is waiting: records it now through the same parser, decider and append as when it
/// first arrived, as if it had just arrived. Recorded, it is settled as replayed; refused again, it keeps waiting with
/// the new reason. The one way a refused message is replayed, whoever asks.
/// </summary>
public sealed class RefusedMessageReplay(RefusedMessages refused, RecordEvents recorder)
{
    public async Task<ReplayOutcome> ReplayAsync(Guid id, CancellationToken cancellation)
    {
        var message = await refused.FindAsync(id, cancellation).ConfigureAwait(false);
        if (message is not { State: RefusedMessageStates.Refused })
        {
            return new ReplayOutcome.NotWaiting();
        }

        var parsed = EventBody.Parse(message.Body, out var isBatch);
        if (!parsed.IsValid)
        {
            var invalid = MessageRefusal.Invalid(parsed);
            await refused.AddAsync(message.Source, message.Body, invalid, cancellation).ConfigureAwait(false);
            return new ReplayOutcome.Unreadable(parsed.Errors, invalid);
        }

        var outcome = await recorder.HandleAsync(parsed.Events, Sender.Bus, cancellation).ConfigureAwait(false);
        if (outcome.Refusal is { } decision)
        {
            var again = MessageRefusal.Refused(decision, parsed, isBatch);
            await refused.AddAsync(message.Source, message.Body, again, cancellation).ConfigureAwait(false);
            return new ReplayOutcome.RefusedAgain(decision, again);
        }

        await refused.SettleAsync(message.Id, RefusedMessageStates.Replayed, cancellation).ConfigureAwait(false);
        return new ReplayOutcome.Recorded(outcome.Results, outcome.RecordedAt);
    }
}
