using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.Movements;
using NodaTime;

namespace CustomerSuccess.Metrics.Periods;

/// <summary>
/// One customer's part in each of a month's <see cref="PeriodFigures"/> as known at an instant, classified by the rule
/// behind every figure (<see cref="Movement.ClassifyDays"/>). Where a figure of the whole book changed between two
/// instants, the customers whose part in it changed are the ones whose events changed it.
/// </summary>
public sealed record CustomerShare(
    decimal OpeningArr,
    decimal NewArr,
    decimal ReactivationArr,
    decimal ExpansionArr,
    decimal ContractionArr,
    decimal ChurnArr,
    decimal ClosingArr,
    decimal RetentionOpeningArr,
    bool RetainedThroughMonth)
{
    public static CustomerShare Of(CustomerLedger ledger, Instant knownAt, PeriodDates dates)
    {
        decimal opening = 0m, closing = 0m, retentionOpening = 0m;
        var sums = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var day in Movement.ClassifyDays(ledger.KnownTimeline(knownAt)))
        {
            if (day.Date > dates.To)
            {
                break;
            }

            if (day.Date < dates.RetentionFrom)
            {
                retentionOpening = day.ArrAfter;
            }

            if (day.Date < dates.From)
            {
                opening = day.ArrAfter;
            }
            else
            {
                foreach (var movement in day.Movements)
                {
                    sums[movement.Kind] = sums.GetValueOrDefault(movement.Kind) + movement.Amount;
                }
            }

            closing = day.ArrAfter;
        }

        decimal Sum(string kind) => sums.GetValueOrDefault(kind);
        return new CustomerShare(opening, Sum(MovementKinds.New), Sum(MovementKinds.Reactivation), Sum(MovementKinds.Expansion),
            Sum(MovementKinds.Contraction), Sum(MovementKinds.Churn), closing, retentionOpening, opening > 0m && closing > 0m);
    }

    /// <summary>Whether this customer's part in the figure named <paramref name="figure"/> differs from its part in <paramref name="other"/>.</summary>
    public bool DiffersIn(string figure, CustomerShare other) => !Part(figure).SequenceEqual(other.Part(figure));

    /// <summary>What the customer puts into a figure: its amount, or for a rate what it adds to the numerator and the denominator.</summary>
    private IEnumerable<decimal> Part(string figure)
    {
        var inCohort = RetentionOpeningArr > 0m;
        return figure switch
        {
            "openingArr" => [OpeningArr],
            "newArr" => [NewArr],
            "reactivationArr" => [ReactivationArr],
            "expansionArr" => [ExpansionArr],
            "contractionArr" => [ContractionArr],
            "churnArr" => [ChurnArr],
            "closingArr" => [ClosingArr],
            "activeCustomers" => [ClosingArr > 0m ? 1 : 0],
            "grossRenewalRate" => inCohort ? [RetentionOpeningArr, Math.Min(RetentionOpeningArr, ClosingArr)] : [],
            "netRenewalRate" => inCohort ? [RetentionOpeningArr, ClosingArr] : [],
            "logoRetention" => inCohort ? [1, ClosingArr > 0m ? 1 : 0] : [],
            "costOfRetention" => [RetainedThroughMonth ? 1 : 0],
            _ => [],
        };
    }
}
