using CustomerSuccess.Metrics.Events;

namespace CustomerSuccess.Metrics.Recording;

/// <summary>
/// The refusal rules that stand on what the store already holds across customers, its receipts: whether an eventId is a
/// resend, and whether a void may retract its target. Pure, so every door in (HTTP, messages) decides the same way.
/// </summary>
public static class ReceiptDecider
{
    /// <summary>What an event whose eventId is already recorded is: a harmless resend, or a conflict.</summary>
    public static Refusal? Resend(EventReceipt existing, IPublishedEvent e) =>
        existing.Fingerprint == EventReceipt.FingerprintOf(e)
            ? null
            : new Refusal(RefusalKind.Conflict, e.EventId, "eventId",
                $"eventId '{e.EventId}' was already recorded as a {existing.Type} with different content; " +
                "an eventId can be re-sent only with identical content");

    /// <summary>Whether a void may retract its target: one that was recorded, is not itself a void, and was not voided yet.</summary>
    public static Refusal? VoidTarget(EventVoided e, EventReceipt? target)
    {
        if (target is null)
        {
            return Refuse(e, $"no event with eventId '{e.VoidedEventId}' has been recorded");
        }

        if (target.Type == EventTypeNames.Voided)
        {
            return Refuse(e, $"'{e.VoidedEventId}' is itself a void; record the original event again instead");
        }

        return target.VoidedBy is { } voidedBy ? Refuse(e, $"'{e.VoidedEventId}' has already been voided by '{voidedBy}'") : null;
    }

    private static Refusal Refuse(EventVoided e, string detail) => new(RefusalKind.BusinessRule, e.EventId, "voidedEventId", detail);
}
