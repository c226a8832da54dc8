using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Ledger;
using NodaTime;

namespace CustomerSuccess.Metrics.Recording;

/// <summary>
/// Decides, without I/O, whether an event may join a customer's timeline: the whole timeline, in
/// effective order, must stay valid after it. A backdated event that breaks a later event is a conflict.
/// </summary>
public static class CustomerDecider
{
    public static Refusal? Decide(CustomerLedger ledger, TimelineEntry candidate)
    {
        var known = ledger.KnownTimeline();
        var opener = candidate.Change == ContractChange.Open
            ? known.FirstOrDefault(e => e.ContractId == candidate.ContractId && e.Change == ContractChange.Open)
            : null;
        if (opener is not null)
        {
            return AlreadyOpened(candidate, opener.EventId, opener.EffectiveDate);
        }

        var violation = ContractBook.FirstViolation(TimelineEntry.InEffectiveOrder(known.Append(candidate)));
        if (violation is not { } v)
        {
            return null;
        }

        return v.Entry.EventId == candidate.EventId
            ? Broken(candidate, v.Reason)
            : new Refusal(RefusalKind.Conflict, candidate.EventId, "effectiveDate",
                $"{candidate.Type} effective {candidate.EffectiveDate:yyyy-MM-dd} would break the later event " +
                $"'{v.Entry.EventId}' ({v.Entry.Type} effective {v.Entry.EffectiveDate:yyyy-MM-dd}): {v.Reason}");
    }

    /// <summary>
    /// The same decision for an entry that lands at the end of the timeline (<see cref="CustomerTail.IsAtEnd"/>):
    /// nothing comes after it, so only the customer's closing contracts matter.
    /// </summary>
    public static Refusal? DecideAtEnd(CustomerTail tail, TimelineEntry candidate)
    {
        var closing = tail.Closing();
        var existing = closing.Contracts.FirstOrDefault(c => c.ContractId == candidate.ContractId);
        if (candidate.Change == ContractChange.Open && existing is not null)
        {
            return AlreadyOpened(candidate, existing.OpenedBy, existing.OpenedOn);
        }

        return closing.Violation(candidate) is { } reason ? Broken(candidate, reason) : null;
    }

    private static Refusal AlreadyOpened(TimelineEntry candidate, string openerId, LocalDate openedOn) =>
        new(RefusalKind.BusinessRule, candidate.EventId, "contractId",
            $"contract '{candidate.ContractId}' was already opened by event '{openerId}' effective {openedOn:yyyy-MM-dd}");

    private static Refusal Broken(TimelineEntry candidate, string reason) =>
        new(RefusalKind.BusinessRule, candidate.EventId, FieldAtFault(candidate),
            $"{candidate.Type} effective {candidate.EffectiveDate:yyyy-MM-dd}: {reason}");

    public static Refusal? DecideVoid(CustomerLedger ledger, VoidEntry voidEntry)
    {
        var remaining = ledger.KnownTimeline().Where(e => e.EventId != voidEntry.VoidedEventId);
        return ContractBook.FirstViolation(remaining) is { } v
            ? new Refusal(RefusalKind.Conflict, voidEntry.EventId, "voidedEventId",
                $"voiding '{voidEntry.VoidedEventId}' would break event '{v.Entry.EventId}' " +
                $"({v.Entry.Type} effective {v.Entry.EffectiveDate:yyyy-MM-dd}): {v.Reason}")
            : null;
    }

    private static string FieldAtFault(TimelineEntry candidate) => candidate.Change switch
    {
        ContractChange.Reduce => "arrDecrease",
        ContractChange.Open => "customerId",
        _ => "contractId",
    };
}
