using System.Net;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>An empty store first, then one customer who signs and churns inside one period.</summary>
public class EmptyStoreTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task an_empty_store_answers_zeros_and_null_rates_with_reasons()
    {
        var series = (await app.GetAsync("/api/v1/arr/series?from=2025-01-01&to=2025-03-31&interval=month")).ShouldBe(HttpStatusCode.OK);
        Assert.All(series["entries"].AsArray(), e => Assert.Equal(0m, e!["arr"]!.GetValue<decimal>()));

        var bridge = (await app.GetAsync("/api/v1/metrics/bridge?from=2025-01-01&to=2025-12-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(0m, bridge["summary"]["closingArr"]!.GetValue<decimal>());

        var retention = (await app.GetAsync("/api/v1/metrics/retention?from=2025-01-01&to=2025-12-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(0, retention["cohortCustomers"].GetValue<int>());
        foreach (var rate in new[] { "grossRenewalRate", "netRenewalRate", "logoRetention", "logoChurnRate", "expansionRate",
                     "contractionRate", "revenueChurnRate", "quickRatio" })
        {
            Assert.Null(retention.Body![rate]);
        }

        Assert.Equal(3, retention["notes"].AsArray().Count);

        var cost = (await app.GetAsync("/api/v1/metrics/cost-of-retention?from=2025-01-01&to=2025-12-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((0m, 0), (cost.Decimal("totalCost"), cost["retainedCustomers"].GetValue<int>()));
        Assert.Null(cost.Body!["costOfRetention"]);
        Assert.NotEmpty(cost["notes"].AsArray());

        var audit = (await app.GetAsync("/api/v1/audit/movements?from=2025-01-01&to=2025-12-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(0, audit["total"].GetValue<int>());
    }
}

public class SignAndChurnInsideOnePeriodTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAsync(Batch(
            Signed("old-1", "old", "old-c1", "2023-06-01", 30_000, "mid_market"),
            Signed("blip-1", "blip", "blip-c1", "2025-03-01", 12_000, "smb"),
            Churned("blip-2", "blip", "blip-c1", "2025-08-01")))).ShouldBe(HttpStatusCode.OK);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task it_is_new_and_churn_in_the_bridge_but_not_in_the_cohort()
    {
        var summary = (await app.GetAsync("/api/v1/metrics/bridge?from=2025-01-01&to=2025-12-31")).ShouldBe(HttpStatusCode.OK)["summary"];
        Assert.Equal((12_000m, 12_000m), (summary["newArr"]!.GetValue<decimal>(), summary["churnArr"]!.GetValue<decimal>()));
        Assert.Equal(summary["openingArr"]!.GetValue<decimal>(), summary["closingArr"]!.GetValue<decimal>());

        var retention = (await app.GetAsync("/api/v1/metrics/retention?from=2025-01-01&to=2025-12-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1, retention["cohortCustomers"].GetValue<int>());
        Assert.Equal(1m, retention.Decimal("netRenewalRate"));
        Assert.Equal(1m, retention.Decimal("quickRatio"));
    }

    [Fact]
    public async Task a_period_before_any_data_is_all_zero()
    {
        var summary = (await app.GetAsync("/api/v1/metrics/bridge?from=2020-01-01&to=2020-12-31")).ShouldBe(HttpStatusCode.OK)["summary"];

        Assert.Equal((0m, 0m), (summary["openingArr"]!.GetValue<decimal>(), summary["closingArr"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task a_single_day_period_holds_that_days_movements()
    {
        var summary = (await app.GetAsync("/api/v1/metrics/bridge?from=2025-08-01&to=2025-08-01")).ShouldBe(HttpStatusCode.OK)["summary"];

        Assert.Equal((42_000m, 12_000m, 30_000m), (summary["openingArr"]!.GetValue<decimal>(), summary["churnArr"]!.GetValue<decimal>(),
            summary["closingArr"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task an_empty_segment_has_an_empty_cohort()
    {
        var retention = (await app.GetAsync("/api/v1/metrics/retention?from=2025-01-01&to=2025-12-31&segment=enterprise")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(0, retention["cohortCustomers"].GetValue<int>());
        Assert.Null(retention.Body!["netRenewalRate"]);
    }
}

/// <summary>Worked example 3: 125,000 spent in a year; 250 customers retained through it, 30 added during it.</summary>
public class CostOfRetentionTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        var kept = Enumerable.Range(0, 250).Select(i => Signed($"kept-{i}", $"kept-{i}", $"kept-{i}-c1", "2023-05-01", 10_000));
        var added = Enumerable.Range(0, 30).Select(i => Signed($"added-{i}", $"added-{i}", $"added-{i}-c1", "2024-04-01", 10_000));
        var lost = Enumerable.Range(0, 5).SelectMany(i => new[]
        {
            Signed($"lost-{i}-1", $"lost-{i}", $"lost-{i}-c1", "2023-05-01", 10_000),
            Churned($"lost-{i}-2", $"lost-{i}", $"lost-{i}-c1", "2024-07-01"),
        });
        var spend = new[]
        {
            RetentionCost("cost-1", "2024-03-31", "cs_team", 80_000),
            RetentionCost("cost-2", "2024-06-30", "tooling", 25_000),
            RetentionCost("cost-3", "2024-12-31", "programs", 20_000),
            RetentionCost("cost-4", "2023-12-31", "programs", 99_000),
            RetentionCost("cost-5", "2024-05-31", "training", 7_000),
        };
        (await app.PostEventsAsync(Batch([.. kept, .. added, .. lost, .. spend]))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAsync(Voided("cost-6", "cost-5"))).ShouldBe(HttpStatusCode.OK);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task example_3_cost_per_retained_customer()
    {
        var reply = (await app.GetAsync("/api/v1/metrics/cost-of-retention?from=2024-01-01&to=2024-12-31")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(125_000m, reply.Decimal("totalCost"));
        Assert.Equal(250, reply["retainedCustomers"].GetValue<int>());
        Assert.Equal(500m, reply.Decimal("costOfRetention"));
        Assert.Equal(80_000m, reply["byCategory"]["cs_team"]!.GetValue<decimal>());
        Assert.Null(reply["byCategory"]["training"]);
    }

    [Fact]
    public async Task spend_by_segment_is_not_divided()
    {
        var reply = (await app.GetAsync("/api/v1/metrics/cost-of-retention?from=2024-01-01&to=2024-12-31&segment=smb")).ShouldBe(HttpStatusCode.OK);

        Assert.Null(reply.Body!["costOfRetention"]);
        Assert.NotEmpty(reply["notes"].AsArray());
    }
}

public class SegmentCohortTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAsync(Batch(
            Signed("mv-1", "mover", "mv-c1", "2024-01-01", 10_000, "smb"),
            Signed("st-1", "stayer", "st-c1", "2024-02-01", 20_000, "smb"),
            Signed("en-1", "big", "en-c1", "2024-03-01", 30_000, "enterprise"),
            Signed("mv-2", "mover", "mv-c2", "2025-04-01", 5_000, "enterprise"),
            Upsold("en-2", "big", "en-c1", "2025-05-01", 3_000),
            Churned("st-2", "stayer", "st-c1", "2025-06-01"),
            Downsold("mv-3", "mover", "mv-c1", "2025-09-01", 4_000)))).ShouldBe(HttpStatusCode.OK);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_customer_belongs_to_the_cohort_of_its_opening_segment_with_its_whole_closing_arr()
    {
        var smb = (await app.GetAsync("/api/v1/metrics/retention?from=2025-01-01&to=2025-12-31&segment=smb")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(2, smb["cohortCustomers"].GetValue<int>());
        Assert.Equal(30_000m, smb.Decimal("openingArr"));
        Assert.Equal(0.366667m, smb.Decimal("netRenewalRate"));
        Assert.Equal(0.333333m, smb.Decimal("grossRenewalRate"));
        Assert.Equal(0.5m, smb.Decimal("logoRetention"));

        var enterprise = (await app.GetAsync("/api/v1/metrics/retention?from=2025-01-01&to=2025-12-31&segment=enterprise")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1, enterprise["cohortCustomers"].GetValue<int>());
        Assert.Equal(1.1m, enterprise.Decimal("netRenewalRate"));
        Assert.Equal(1m, enterprise.Decimal("grossRenewalRate"));
        Assert.Equal(1m, enterprise.Decimal("logoRetention"));
    }
}
