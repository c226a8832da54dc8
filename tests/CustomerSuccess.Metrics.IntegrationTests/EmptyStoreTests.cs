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
