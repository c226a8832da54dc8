using CustomerSuccess.Metrics.Health;
using NodaTime;

namespace CustomerSuccess.Metrics.Tests;

/// <summary>The health score's arithmetic: inputs scored 0–100, weighted over those that take part, banded.</summary>
public class HealthScoreTests
{
    private static readonly LocalDate AsOf = new(2025, 6, 30);

    private static HealthFacts Facts(
        UsageFact? usage = null, LocalDate? touched = null, decimal[]? answers = null, OpenRisk[]? risks = null, decimal arr = 1_000m,
        decimal before = 1_000m, string? touchModel = null) =>
        new("c", "smb", "dana", touchModel, usage, touched, answers ?? [], risks ?? [], arr, before);

    [Fact]
    public void inputs_without_a_measure_take_no_part_and_the_contributions_add_up_to_the_score()
    {
        // Only engagement (never touched: 0), risk (none open: 100) and ARR trend (flat: 100) take part: (0 + 1,500 + 1,500) / 50.
        var result = HealthScore.Compute(Facts(), AsOf, new HealthModel());

        Assert.Equal(60m, result.Score);
        Assert.Equal("yellow", result.Band);
        Assert.Equal(result.Score, result.Inputs.Sum(i => i.Contribution));
        Assert.Equal([0m, 0m], result.Inputs.Where(i => i.Name is "adoption" or "satisfaction").Select(i => i.Contribution));
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(30, 100)]
    [InlineData(45, 50)]
    [InlineData(60, 0)]
    [InlineData(400, 0)]
    public void engagement_falls_from_the_cadence_to_twice_it(int daysSince, decimal expected)
    {
        var result = HealthScore.Compute(Facts(touched: AsOf.PlusDays(-daysSince), touchModel: "high"), AsOf, new HealthModel());
        Assert.Equal(expected, result.Inputs.Single(i => i.Name == "engagement").Score);
    }

    [Theory]
    [InlineData(1_200, 100)]
    [InlineData(1_000, 100)]
    [InlineData(750, 50)]
    [InlineData(500, 0)]
    [InlineData(0, 0)]
    public void arr_trend_scores_losses_down_to_half(decimal arr, decimal expected) =>
        Assert.Equal(expected, HealthScore.Compute(Facts(arr: arr), AsOf, new HealthModel()).Inputs.Single(i => i.Name == "arrTrend").Score);

    [Fact]
    public void weights_and_thresholds_come_from_the_model_so_a_change_applies_to_every_date_alike()
    {
        var facts = Facts(new UsageFact(AsOf, 10, 2, "u"), AsOf, [100m], [new OpenRisk("budget_cut", "medium", AsOf, "r")]);
        var adoptionOnly = new HealthModel { EngagementWeight = 0m, SatisfactionWeight = 0m, RiskWeight = 0m, ArrTrendWeight = 0m };

        Assert.Equal(25m, HealthScore.Compute(facts, AsOf, adoptionOnly).Score);
        Assert.Equal("green", HealthScore.Compute(facts, AsOf, adoptionOnly with { GreenFrom = 25m, YellowFrom = 10m }).Band);
        // Adoption 25, engagement 100, satisfaction 100, risk 75, trend 100, weighted 30/20/20/15/15.
        Assert.Equal((7.5m + 20m + 20m + 11.25m + 15m), HealthScore.Compute(facts, AsOf, new HealthModel()).Score);
    }

    [Fact]
    public void a_model_that_cannot_be_used_is_refused()
    {
        Assert.Empty(new HealthModel().Problems());
        Assert.NotEmpty(new HealthModel { AdoptionWeight = -1m }.Problems());
        Assert.NotEmpty(new HealthModel { AdoptionWeight = 0m, EngagementWeight = 0m, SatisfactionWeight = 0m, RiskWeight = 0m, ArrTrendWeight = 0m }.Problems());
        Assert.NotEmpty(new HealthModel { YellowFrom = 80m, GreenFrom = 70m }.Problems());
        Assert.NotEmpty(new HealthModel { AdoptionTarget = 0m }.Problems());
        Assert.NotEmpty(new HealthModel { OnboardingDays = 0 }.Problems());
    }

    [Fact]
    public void each_customer_falls_in_exactly_one_adoption_range()
    {
        int[] active = [0, 19, 20, 79, 80, 100, 101, 250];
        var customers = active.Select(a => Facts(new UsageFact(AsOf, 100, a, "u"))).ToList();

        var distribution = AdoptionDistribution.Of(customers, 0.8m);

        Assert.Equal(active.Length, distribution.Buckets.Sum(b => b.Customers));
        Assert.Equal([2, 1, 0, 1, 2, 2], distribution.Buckets.Select(b => b.Customers));
        Assert.Equal((8, 4), (distribution.Reporting, distribution.AtTarget));
        Assert.Equal(0.795m, distribution.Median);
    }
}
