using System.Net;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

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
