using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Ledger;

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
            return new Refusal(RefusalKind.BusinessRule, candidate.EventId, "contractId",
                $"contract '{candidate.ContractId}' was already opened by event '{opener.EventId}' " +
                $"effective {opener.EffectiveDate:yyyy-MM-dd}");
        }

        var violation = ContractBook.FirstViolation(TimelineEntry.InEffectiveOrder(known.Append(candidate)));
        if (violation is not { } v)
        {
            return null;
        }

        return v.Entry.EventId == candidate.EventId
            ? new Refusal(RefusalKind.BusinessRule, candidate.EventId, FieldAtFault(candidate), $"{candidate.Type} effective {candidate.EffectiveDate:yyyy-MM-dd}: {v.Reason}")
            : new Refusal(RefusalKind.Conflict, candidate.EventId, "effectiveDate",
                $"{candidate.Type} effective {candidate.EffectiveDate:yyyy-MM-dd} would break the later event " +
                $"'{v.Entry.EventId}' ({v.Entry.Type} effective {v.Entry.EffectiveDate:yyyy-MM-dd}): {v.Reason}");
    }

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
