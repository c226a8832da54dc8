using CustomerSuccess.Metrics.Signals;
using NodaTime;

namespace CustomerSuccess.Metrics.Health;

public sealed record ScoredCustomer(HealthFacts Facts, HealthResult Health);

/// <summary>How many of a group of customers are in each band.</summary>
public sealed record BandCounts(int Red, int Yellow, int Green)
{
    public int Customers => Red + Yellow + Green;

    public static BandCounts Of(IEnumerable<ScoredCustomer> customers)
    {
        var bands = customers.Select(c => c.Health.Band).ToList();
        return new BandCounts(bands.Count(b => b == HealthBands.Red), bands.Count(b => b == HealthBands.Yellow), bands.Count(b => b == HealthBands.Green));
    }
}

/// <summary>
/// Adoption across the customers with a usage report in the freshness window: how many, the mean and median of active
/// users ÷ licensed seats, and how many reach the target.
/// </summary>
public sealed record AdoptionDistribution(int Reporting, decimal? Mean, decimal? Median, int AtTarget, IReadOnlyList<(string Range, int Customers)> Buckets)
{
    /// <summary>Each range holds its lower bound and not its upper one, but for 80-100%, which holds exactly 100%.</summary>
    private static readonly (Func<decimal, bool> Holds, string Name)[] Ranges =
    [
        (v => v < 0.2m, "0-20%"), (v => v >= 0.2m && v < 0.4m, "20-40%"), (v => v >= 0.4m && v < 0.6m, "40-60%"),
        (v => v >= 0.6m && v < 0.8m, "60-80%"), (v => v >= 0.8m && v <= 1m, "80-100%"), (v => v > 1m, "over 100%"),
    ];

    public static AdoptionDistribution Of(IEnumerable<HealthFacts> customers, decimal target)
    {
        var values = customers.Where(c => c.Usage is not null).Select(c => c.Usage!.Adoption).Order().ToList();
        decimal? median = values.Count == 0 ? null
            : values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2m;
        return new AdoptionDistribution(
            values.Count, values.Count == 0 ? null : values.Sum() / values.Count, median, values.Count(v => v >= target),
            [.. Ranges.Select(r => (r.Name, values.Count(r.Holds)))]);
    }
}

/// <summary>The bands of the customers counted at the end of one date, overall, per segment and per CSM.</summary>
public sealed record BandsOnDate(
    LocalDate Date, BandCounts Distribution, IReadOnlyList<(string? Segment, BandCounts Bands)> BySegment, IReadOnlyList<(string? Csm, BandCounts Bands)> ByCsm);

public sealed record HealthScoresReport(
    IReadOnlyList<ScoredCustomer> Customers, BandCounts Distribution, IReadOnlyList<(string? Segment, BandCounts Bands)> BySegment,
    IReadOnlyList<(string? Csm, BandCounts Bands)> ByCsm, AdoptionDistribution Adoption);

/// <summary>
/// The health of every active customer (ARR above 0 on the date), as known at an instant, filtered by segment, CSM and
/// band, with the distribution of bands overall, per segment and per CSM.
/// </summary>
public sealed class HealthScores(HealthFactsReader facts)
{
    public async Task<HealthScoresReport> QueryAsync(
        LocalDate asOf, Instant knownAt, AccountFilter filter, string? band, CancellationToken cancellation)
    {
        var all = await facts.ReadAsync(asOf, knownAt, null, cancellation).ConfigureAwait(false);
        var scored = all.Values
            .Where(f => f.Arr > 0m && filter.Matches(f.Segment, f.Csm, f.TouchModel))
            .Select(f => new ScoredCustomer(f, HealthScore.Compute(f, asOf, facts.Model)))
            .ToList();
        var adoption = AdoptionDistribution.Of(scored.Select(s => s.Facts), facts.Model.AdoptionTarget);
        var listed = scored.Where(s => band is null || s.Health.Band == band)
            .OrderBy(s => s.Health.Score).ThenBy(s => s.Facts.CustomerId, StringComparer.Ordinal)
            .ToList();
        var bands = Bands(asOf, scored);
        return new HealthScoresReport(listed, bands.Distribution, bands.BySegment, bands.ByCsm, adoption);
    }

    /// <summary>The bands at the end of each date, as known at one instant, each date computed on its own.</summary>
    public async Task<IReadOnlyList<BandsOnDate>> SeriesAsync(
        IReadOnlyList<LocalDate> dates, Instant knownAt, AccountFilter filter, CancellationToken cancellation)
    {
        var series = new List<BandsOnDate>(dates.Count);
        foreach (var date in dates)
        {
            var all = await facts.ReadAsync(date, knownAt, null, cancellation).ConfigureAwait(false);
            series.Add(Bands(date, [.. all.Values
                .Where(f => f.Arr > 0m && filter.Matches(f.Segment, f.Csm, f.TouchModel))
                .Select(f => new ScoredCustomer(f, HealthScore.Compute(f, date, facts.Model)))]));
        }

        return series;
    }

    private static BandsOnDate Bands(LocalDate date, IReadOnlyList<ScoredCustomer> scored) => new(
        date, BandCounts.Of(scored),
        [.. scored.GroupBy(s => s.Facts.Segment).OrderBy(g => g.Key ?? "\uffff", StringComparer.Ordinal).Select(g => (g.Key, BandCounts.Of(g)))],
        [.. scored.GroupBy(s => s.Facts.Csm).OrderBy(g => g.Key ?? "\uffff", StringComparer.Ordinal).Select(g => (g.Key, BandCounts.Of(g)))]);
}
