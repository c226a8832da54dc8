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
/// </summary>
public sealed record Movement(
    LocalDate Date,
    string Kind,
    string? Segment,
    decimal Amount,
    decimal ArrDelta,
    int LogoDelta,
    IReadOnlyList<string> EventIds)
{
    public bool SameAs(Movement other) =>
        Date == other.Date && Kind == other.Kind && Segment == other.Segment && Amount == other.Amount &&
        EventIds.SequenceEqual(other.EventIds);

    /// <summary>
    /// Classifies each effective day of a customer's timeline from its ARR before (end of the previous
    /// change day) and after (end of the day). Same-day events net out.
    /// </summary>
    public static IReadOnlyList<Movement> Classify(IReadOnlyList<TimelineEntry> effectiveOrdered)
    {
        var movements = new List<Movement>();
        var book = new ContractBook();
        var everActive = false;

        foreach (var day in effectiveOrdered.GroupBy(e => e.EffectiveDate))
        {
            var before = book.TotalArr;
            var segmentBefore = book.Segment;
            foreach (var entry in day)
            {
                book.Apply(entry);
            }

            var after = book.TotalArr;
            var segment = book.Segment;
            var eventIds = day.Select(e => e.EventId).ToList();

            if (before > 0m && segmentBefore != segment)
            {
                movements.Add(new Movement(day.Key, MovementKinds.TransferOut, segmentBefore, before, -before, -1, eventIds));
                movements.Add(new Movement(day.Key, MovementKinds.TransferIn, segment, before, before, 1, eventIds));
            }

            var classified = (before, after) switch
            {
                (0m, > 0m) => new Movement(day.Key, everActive ? MovementKinds.Reactivation : MovementKinds.New,
                    segment, after, after, 1, eventIds),
                (> 0m, 0m) => new Movement(day.Key, MovementKinds.Churn, segment, before, -before, -1, eventIds),
                _ when after > before && before > 0m => new Movement(day.Key, MovementKinds.Expansion, segment,
                    after - before, after - before, 0, eventIds),
                _ when after < before && after > 0m => new Movement(day.Key, MovementKinds.Contraction, segment,
                    before - after, after - before, 0, eventIds),
                _ => null,
            };

            if (classified is not null)
            {
                movements.Add(classified);
            }

            everActive |= after > 0m;
        }

        return movements;
    }
}
