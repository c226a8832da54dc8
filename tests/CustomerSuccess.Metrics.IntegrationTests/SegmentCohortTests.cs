using System.Net;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

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
