using CustomerSuccess.Metrics.Contracts;
using NodaTime;

namespace CustomerSuccess.Metrics.Customers;

/// <summary>
/// A customer's name, segment and CSM at the end of an effective day on which any of them changed: what the customer
/// list shows for any later day until the next change.
/// </summary>
public sealed record DetailsChange(LocalDate Date, string? Name, string? Segment, string? Csm = null)
{
    /// <summary>Every change along a timeline in effective order; same-day events net out as they do for ARR.</summary>
    public static IReadOnlyList<DetailsChange> Of(IReadOnlyList<TimelineEntry> effectiveOrdered)
    {
        var changes = new List<DetailsChange>();
        var book = new ContractBook();
        foreach (var day in effectiveOrdered.GroupBy(e => e.EffectiveDate))
        {
            var (name, segment, csm) = (book.Name, book.Segment, book.Csm);
            foreach (var entry in day)
            {
                book.Apply(entry);
            }

            changes.AddRange(OfDay(name, segment, csm, book, day.Key));
        }

        return changes;
    }

    /// <summary>
    /// The change of one day: from the <paramref name="name"/>, <paramref name="segment"/> and <paramref name="csm"/> at the
    /// end of the previous change day to the customer at the end of this one.
    /// </summary>
    public static IReadOnlyList<DetailsChange> OfDay(string? name, string? segment, string? csm, ContractBook closing, LocalDate date) =>
        name == closing.Name && segment == closing.Segment && csm == closing.Csm
            ? []
            : [new DetailsChange(date, closing.Name, closing.Segment, closing.Csm)];
}
