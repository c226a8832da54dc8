using CustomerSuccess.Metrics.Contracts;
using CustomerSuccess.Metrics.Customers;
using CustomerSuccess.Metrics.Movements;
using NodaTime;

namespace CustomerSuccess.Metrics.Ledger;

/// <summary>
/// The end of a customer's known timeline: the contracts at the end of the day before the last effective
/// day, and the entries of that last day. Most events land on or after the last day; for them this is all
/// that deciding and classifying need, so the whole stream is read only for backdated events and voids.
/// Kept inline by <see cref="LedgerProjection"/>.
/// </summary>
public sealed class CustomerTail
{
    public string Id { get; set; } = "";

    /// <summary>
    /// The global sequence of the first event in the customer's stream: a number for the customer that the
    /// event log fixes once, so a rebuild gives it again. Movement rows carry it for grouping by customer.
    /// </summary>
    public long Key { get; set; }

    /// <summary>The number of events in the customer's stream that this tail reflects.</summary>
    public long Version { get; set; }

    /// <summary>The last effective day of the known timeline; null while nothing is known.</summary>
    public LocalDate? LastDate { get; set; }

    /// <summary>The customer at the end of the change day before <see cref="LastDate"/>.</summary>
    public BookState Opening { get; set; } = BookState.Empty;

    /// <summary>Whether the customer had ARR at the end of any day before <see cref="LastDate"/>.</summary>
    public bool EverActive { get; set; }

    /// <summary>The known entries effective on <see cref="LastDate"/>, in effective order.</summary>
    public List<TimelineEntry> LastDay { get; set; } = [];

    /// <summary>
    /// Follows a customer's events in order from the latest effective day known: whether the next, dated
    /// <paramref name="effectiveDate"/>, lands at the end of the timeline, on or after that day, which it then becomes.
    /// One dated earlier is backdated and, like a void, is placed against the customer's whole timeline.
    /// </summary>
    public static bool Follows(ref LocalDate? latest, LocalDate effectiveDate)
    {
        if (latest is { } last && effectiveDate < last)
        {
            return false;
        }

        latest = effectiveDate;
        return true;
    }

    /// <summary>Whether an entry recorded now would land at the end of the timeline.</summary>
    public bool IsAtEnd(TimelineEntry entry)
    {
        var latest = LastDate;
        return Follows(ref latest, entry.EffectiveDate);
    }

    /// <summary>
    /// Whether this tail is the customer's state just before the stream's event at <paramref name="streamVersion"/>:
    /// the only state a batch starting there may be projected from.
    /// </summary>
    public bool IsJustBefore(long streamVersion) => Version == streamVersion - 1;

    /// <summary>The customer after every known entry.</summary>
    public ContractBook Closing()
    {
        var book = new ContractBook(Opening);
        foreach (var entry in LastDay)
        {
            book.Apply(entry);
        }

        return book;
    }

    /// <summary>The movements of <see cref="LastDate"/>, the only day an entry at the end can still change.</summary>
    public IReadOnlyList<Movement> LastDayMovements() =>
        LastDate is { } last ? Movement.ClassifyDay(new ContractBook(Opening), EverActive, last, LastDay) : [];

    /// <summary>The name, segment and CSM change of <see cref="LastDate"/>, like its movements the only one an entry at the end can still change.</summary>
    public IReadOnlyList<DetailsChange> LastDayDetails() =>
        LastDate is { } last ? DetailsChange.OfDay(Opening.Name, Opening.Segment, Opening.Csm, Closing(), last) : [];

    /// <summary>Adds an entry that <see cref="IsAtEnd"/> accepts.</summary>
    public void Append(TimelineEntry entry)
    {
        if (LastDate != entry.EffectiveDate)
        {
            var closing = Closing();
            EverActive |= closing.TotalArr > 0m;
            Opening = closing.State();
            LastDate = entry.EffectiveDate;
            LastDay = [];
        }

        LastDay.Add(entry);
    }

    /// <summary>Becomes the tail of a whole ledger, as after a backdated event or a void.</summary>
    public void Rebase(CustomerLedger ledger)
    {
        Version = ledger.Version;
        LastDate = null;
        Opening = BookState.Empty;
        EverActive = false;
        LastDay = [];
        foreach (var entry in ledger.KnownTimeline())
        {
            Append(entry);
        }
    }
}
