using System.Net;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

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
