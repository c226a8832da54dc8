using System.Net;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>The largest amounts the bounds allow, many times over: every figure still answers, exactly.</summary>
public class LargestAmountsTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private const decimal Largest = 1_000_000_000_000m;
    private const int Customers = 50_000;

    /// <summary>83,333,333,333.333333 a month for one month: the largest ARR a recurring amount can give, rounded.</summary>
    private const decimal LargestMonthlyArr = 999_999_999_999.999996m;

    public async Task InitializeAsync() => await app.SeedOnceAsync(async () =>
    {
        var upsells = Enumerable.Range(1, 999).Select(i => Upsold($"big-u{i}", "big", "big-c1", "2024-02-01", Largest));
        (await app.PostEventsAsync(Batch([Signed("big-s", "big", "big-c1", "2024-01-15", Largest, "enterprise"), .. upsells])))
            .ShouldBe(HttpStatusCode.OK);

        foreach (var chunk in Enumerable.Range(0, Customers).Chunk(1_000))
        {
            (await app.PostEventsAsync(Batch([.. chunk.Select(i =>
                $$"""{"eventId":"max-{{i}}","type":"contract.signed","customerId":"max-{{i}}","contractId":"max-{{i}}-1","effectiveDate":"2024-03-01","recurringAmount":83333333333.333333,"periodMonths":1}""")])))
                .ShouldBe(HttpStatusCode.OK);
        }

        (await app.PostEventsAsync(Batch([.. Enumerable.Range(0, 1_000).Select(i => RetentionCost($"cost-{i}", "2024-06-30", "programs", Largest))])))
            .ShouldBe(HttpStatusCode.OK);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task one_customer_upsold_a_thousand_times_at_the_limit_holds_its_exact_arr()
    {
        Assert.Equal(1_000 * Largest, (await app.GetAsync("/api/v1/customers/big?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK).Decimal("arr"));
        var bridge = (await app.GetAsync("/api/v1/metrics/bridge?from=2024-02-01&to=2024-02-01&segment=enterprise")).ShouldBe(HttpStatusCode.OK)["summary"];
        Assert.Equal(999 * Largest, bridge["expansionArr"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task every_figure_answers_over_thousands_of_customers_at_the_limit()
    {
        var total = 1_000 * Largest + Customers * LargestMonthlyArr;

        var arr = (await app.GetAsync("/api/v1/arr?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(Math.Round(total, 2, MidpointRounding.ToEven), arr.Decimal("arr"));
        Assert.Equal(Math.Round(total / 12m, 2, MidpointRounding.ToEven), arr.Decimal("mrr"));
        Assert.Equal(Customers + 1, arr["activeCustomers"].GetValue<int>());

        var retention = (await app.GetAsync("/api/v1/metrics/retention?from=2024-04-01&to=2024-12-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1m, retention.Decimal("netRenewalRate"));
        var cost = (await app.GetAsync("/api/v1/metrics/cost-of-retention?from=2024-04-01&to=2024-12-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1_000 * Largest, cost.Decimal("totalCost"));
        Assert.Equal(Math.Round(1_000 * Largest / (Customers + 1), 2, MidpointRounding.ToEven), cost.Decimal("costOfRetention"));

        foreach (var path in new[]
                 {
                     "/api/v1/arr/series?from=2024-01-01&to=2024-12-31&interval=day",
                     "/api/v1/metrics/bridge?from=2024-01-01&to=2024-12-31&interval=week",
                     "/api/v1/metrics/retention?asOf=2024-12-31",
                     "/api/v1/audit/movements?from=2024-01-01&to=2024-12-31&limit=10000",
                 })
        {
            (await app.GetAsync(path)).ShouldBe(HttpStatusCode.OK);
        }
    }
}
