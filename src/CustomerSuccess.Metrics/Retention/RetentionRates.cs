using CustomerSuccess.Metrics.Bridge;
using NodaTime;

namespace CustomerSuccess.Metrics.Retention;

/// <summary>
/// Retention over [from, to] per metrics.md. Every rate is a fraction; a rate whose denominator is zero
/// is null and <see cref="Notes"/> says why.
/// </summary>
public sealed record RetentionFigures(
    int CohortCustomers,
    decimal OpeningArr,
    decimal? GrossRenewalRate,
    decimal? NetRenewalRate,
    decimal? LogoRetention,
    decimal? LogoChurnRate,
    decimal? ExpansionRate,
    decimal? ContractionRate,
    decimal? RevenueChurnRate,
    decimal? QuickRatio,
    IReadOnlyList<string> Notes);

public sealed class RetentionRates(RetentionCohort cohort)
{
    public async Task<RetentionFigures> QueryAsync(
        LocalDate from, LocalDate to, Instant knownAt, string? segment, CancellationToken cancellation)
    {
        var (cohortFigures, bridgeFigures) = await cohort.QueryAsync(from, to, knownAt, segment, cancellation).ConfigureAwait(false);
        return Compute(cohortFigures, bridgeFigures);
    }

    public static RetentionFigures Compute(CohortFigures c, BridgeEntry b)
    {
        var notes = new List<string>();
        decimal? Ratio(decimal numerator, decimal denominator) => denominator == 0m ? null : numerator / denominator;

        if (c.Customers == 0)
        {
            notes.Add("No customer was active at the end of the day before the period, so the cohort is empty: " +
                      "gross and net renewal rate, logo retention and logo churn rate are null.");
        }

        if (b.OpeningArr == 0m)
        {
            notes.Add("Opening ARR is 0: expansion, contraction and revenue churn rates are null.");
        }

        var losses = b.ContractionArr + b.ChurnArr;
        if (losses == 0m)
        {
            notes.Add("There was no contraction or churn in the period: the quick ratio is null.");
        }

        var logoRetention = c.Customers == 0 ? (decimal?)null : (decimal)c.RetainedCustomers / c.Customers;
        return new RetentionFigures(
            c.Customers,
            c.OpeningArr,
            Ratio(c.RetainedArrCappedAtOpening, c.OpeningArr),
            Ratio(c.ClosingArr, c.OpeningArr),
            logoRetention,
            1m - logoRetention,
            Ratio(b.ExpansionArr, b.OpeningArr),
            Ratio(b.ContractionArr, b.OpeningArr),
            Ratio(b.ChurnArr, b.OpeningArr),
            Ratio(b.NewArr + b.ReactivationArr + b.ExpansionArr, losses),
            notes);
    }
}
