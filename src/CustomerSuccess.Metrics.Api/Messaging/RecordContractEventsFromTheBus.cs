using CustomerSuccess.Metrics.Messaging;
using CustomerSuccess.Metrics.Recording;
using CustomerSuccess.Metrics.Telemetry;
using Microsoft.Extensions.Logging;
using Wolverine.Attributes;

namespace CustomerSuccess.Metrics.Api.Messaging;

/// <summary>
/// Records the contract events that arrive on the bus, a batch of messages at a time, through the same parser,
/// decider and atomic, idempotent append as <c>POST /api/v1/events</c>: each message is applied as a whole or not at
/// all, in the order received, and the messages of a batch share as few commits as the bounds allow. A message that
/// HTTP would refuse is kept, with the refusal, among the refused messages and never retried blindly.
/// </summary>
[WolverineHandler]
public static class RecordContractEventsFromTheBus
{
    public const string Source = "bus";

    public static async Task Handle(
        ContractEventsMessage[] messages, RecordEvents recorder, RefusedMessages refused, ILogger<ContractEventsMessage> logger,
        CancellationToken cancellation)
    {
        var readable = new List<(ContractEventsMessage Message, ParsedBatch Parsed, bool IsBatch)>(messages.Length);
        foreach (var message in messages)
        {
            var parsed = EventBody.Parse(message.Body, out var isBatch);
            if (parsed.IsValid)
            {
                readable.Add((message, parsed, isBatch));
            }
            else
            {
                await RefuseAsync(refused, logger, message, MessageRefusal.Invalid(parsed), cancellation);
            }
        }

        var outcomes = await recorder.HandleAllAsync([.. readable.Select(r => r.Parsed.Events)], Sender.Bus, cancellation);
        foreach (var ((message, parsed, isBatch), outcome) in readable.Zip(outcomes))
        {
            if (outcome.Refusal is { } refusal)
            {
                await RefuseAsync(refused, logger, message, MessageRefusal.Refused(refusal, parsed, isBatch), cancellation);
            }
        }
    }

    private static async Task RefuseAsync(
        RefusedMessages refused, ILogger logger, ContractEventsMessage message, MessageRefusal refusal, CancellationToken cancellation)
    {
        EngineTelemetry.Refusals.Add(1, new KeyValuePair<string, object?>("status", refusal.Status), new KeyValuePair<string, object?>("rule", refusal.Rule),
            new KeyValuePair<string, object?>("via", Source));
        logger.LogWarning("Refused a message from the bus ({Status}, {Field}): {Detail}", refusal.Status, refusal.Field, refusal.Detail);
        await refused.AddAsync(Source, message.Body, refusal, cancellation);
    }
}
