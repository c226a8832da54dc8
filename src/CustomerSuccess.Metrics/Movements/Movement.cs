using CustomerSuccess.Metrics.Contracts;
using NodaTime;

namespace CustomerSuccess.Metrics.Movements;

public static class MovementKinds
{
    public const string New = "new";
    public const string Reactivation = "reactivation";
    public const string Expansion = "expansion";
    public const string Contraction = "contraction";
    public const string Churn = "churn";

    /// <summary>ARR leaving a segment because the customer's segment changed; nets to zero across segments.</summary>
    public const string TransferOut = "transfer_out";

    public const string TransferIn = "transfer_in";

    public static readonly IReadOnlyList<string> Bridge = [New, Reactivation, Expansion, Contraction, Churn];
}

/// <summary>
/// One customer's net ARR change on one effective day, classified per metrics.md, with the events
/// behind it. <see cref="ArrDelta"/> and <see cref="LogoDelta"/> sum to ARR and active customers.
/// The customer's whole ARR and segment before and after the day let a period's cohort be read from
/// the movements inside the period alone.
/// </summary>
public sealed record Movement(
    LocalDate Date,
    string Kind,
    string? Segment,
    decimal Amount,
    decimal ArrDelta,
    int LogoDelta,
    IReadOnlyList<string> EventIds,
    decimal ArrBefore,
    decimal ArrAfter,
    string? SegmentBefore)
{
    public bool SameAs(Movement other) =>
        Date == other.Date && Kind == other.Kind && Segment == other.Segment && Amount == other.Amount &&
        ArrBefore == other.ArrBefore && ArrAfter == other.ArrAfter && SegmentBefore == other.SegmentBefore &&
        EventIds.SequenceEqual(other.EventIds);

    /// <summary>
    /// Classifies each effective day of a customer's timeline from its ARR before (end of the previous
    /// change day) and after (end of the day). Same-day events net out.
    /// </summary>
    public static IReadOnlyList<Movement> Classify(IReadOnlyList<TimelineEntry> effectiveOrdered) =>
        [.. ClassifyDays(effectiveOrdered).SelectMany(d => d.Movements)];

    /// <summary>
    /// Each effective day of a customer's timeline in turn, with the customer's ARR before and after it and its
    /// movements (none for a day that changes neither ARR nor segment); computed as the days are read.
    /// </summary>
    public static IEnumerable<ClassifiedDay> ClassifyDays(IReadOnlyList<TimelineEntry> effectiveOrdered)
    {
        var book = new ContractBook();
        var everActive = false;

        foreach (var day in effectiveOrdered.GroupBy(e => e.EffectiveDate))
        {
            var before = book.TotalArr;
            var movements = ClassifyDay(book, everActive, day.Key, [.. day]);
            yield return new ClassifiedDay(day.Key, before, book.TotalArr, movements);
            everActive |= book.TotalArr > 0m;
        }
    }

    /// <summary>
    /// Applies one effective day's entries to <paramref name="book"/>, which holds the customer at the end
    /// of the previous change day, and classifies the day. <paramref name="everActive"/> says whether the
    /// customer had ARR at the end of any earlier day.
    /// </summary>
    public static IReadOnlyList<Movement> ClassifyDay(
        ContractBook book, bool everActive, LocalDate date, IReadOnlyList<TimelineEntry> day)
    {
        var movements = new List<Movement>(2);
        var before = book.TotalArr;
        var segmentBefore = book.Segment;
        foreach (var entry in day)
        {
            book.Apply(entry);
        }

        var after = book.TotalArr;
        var segment = book.Segment;
        var eventIds = day.Select(e => e.EventId).ToList();

        Movement Row(string kind, string? rowSegment, decimal amount, decimal arrDelta, int logoDelta) =>
            new(date, kind, rowSegment, amount, arrDelta, logoDelta, eventIds, before, after, segmentBefore);

        if (before > 0m && segmentBefore != segment)
        {
            movements.Add(Row(MovementKinds.TransferOut, segmentBefore, before, -before, -1));
            movements.Add(Row(MovementKinds.TransferIn, segment, before, before, 1));
        }

        var classified = (before, after) switch
        {
            (0m, > 0m) => Row(everActive ? MovementKinds.Reactivation : MovementKinds.New, segment, after, after, 1),
            (> 0m, 0m) => Row(MovementKinds.Churn, segment, before, -before, -1),
            _ when after > before && before > 0m => Row(MovementKinds.Expansion, segment, after - before, after - before, 0),
            _ when after < before && after > 0m => Row(MovementKinds.Contraction, segment, before - after, after - before, 0),
            _ => null,
        };

        if (classified is not null)
        {
            movements.Add(classified);
        }

        return movements;
    }
}
