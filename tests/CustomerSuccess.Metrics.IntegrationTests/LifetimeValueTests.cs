using System.Net;
using System.Text.Json.Nodes;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>Customer lifetime value for the book and each segment, with its inputs, and null with a note where churn is zero.</summary>
public class LifetimeValueTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
        (await app.PostEventsAsync(Batch(
            Signed("lv-1", "lv-a", "lv-a1", "2024-01-01", 12_000),
            Signed("lv-2", "lv-b", "lv-b1", "2024-01-01", 6_000),
            Churned("lv-3", "lv-b", "lv-b1", "2025-06-01"),
            Signed("lv-4", "lv-c", "lv-c1", "2024-06-01", 30_000, "enterprise")))).ShouldBe(HttpStatusCode.OK));

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task lifetime_value_is_arpa_over_the_annual_revenue_churn_rate_for_the_book_and_each_segment()
    {
        var reply = (await app.GetAsync("/api/v1/metrics/ltv?asOf=2025-12-31")).ShouldBe(HttpStatusCode.OK);
        // ARR 42,000 over 2 customers; 6,000 of the 48,000 held at 2024-12-31 churned in 2025.
        Assert.Equal((42_000m, 2, 21_000m, 48_000m, 6_000m, 0.125m, 168_000m),
            (reply.Decimal("arr"), reply["activeCustomers"].GetValue<int>(), reply.Decimal("arpa"), reply.Decimal("openingArr"), reply.Decimal("churnArr"),
                reply.Decimal("revenueChurnRate"), reply.Decimal("lifetimeValue")));
        Assert.Equal("2025-01-01", reply["from"].GetValue<string>());

        var segments = reply["segments"].AsArray().ToDictionary(s => s!["segment"]!.GetValue<string>(), s => s!);
        Assert.Equal(["smb", "mid_market", "enterprise"], segments.Keys);
        Assert.Equal((12_000m, 0.333333m, 36_000m), (segments["smb"]["arpa"]!.GetValue<decimal>(), segments["smb"]["revenueChurnRate"]!.GetValue<decimal>(),
            segments["smb"]["lifetimeValue"]!.GetValue<decimal>()));

        var enterprise = segments["enterprise"];
        Assert.Equal(0m, enterprise["revenueChurnRate"]!.GetValue<decimal>());
        Assert.Null(enterprise["lifetimeValue"]);
        Assert.Contains("No ARR churned", enterprise["notes"]![0]!.GetValue<string>());

        var midMarket = segments["mid_market"];
        Assert.Null(midMarket["arpa"]);
        Assert.Null(midMarket["revenueChurnRate"]);
        Assert.Equal(2, midMarket["notes"]!.AsArray().Count);
    }

    [Fact]
    public async Task one_segment_answers_for_itself_alone()
    {
        var smb = (await app.GetAsync("/api/v1/metrics/ltv?asOf=2025-12-31&segment=smb")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(36_000m, smb.Decimal("lifetimeValue"));
        Assert.Empty(smb["segments"].AsArray());
        (await app.GetAsync("/api/v1/metrics/ltv?asOf=2025-12-31&from=2025-01-01")).ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task the_csv_has_a_row_for_the_book_and_one_for_each_segment_with_the_json_figures()
    {
        var json = (await app.GetAsync("/api/v1/metrics/ltv?asOf=2025-12-31")).ShouldBe(HttpStatusCode.OK);
        var csv = (await CsvReply.GetAsync(app, "/api/v1/metrics/ltv?asOf=2025-12-31&format=csv")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(["", "smb", "mid_market", "enterprise"], csv.Rows.Select(r => r["segment"]));
        Assert.Equal(json.Decimal("lifetimeValue").ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), csv.Rows[0]["lifetimeValue"]);
        Assert.Equal("", csv.Rows.Single(r => r["segment"] == "enterprise")["lifetimeValue"]);
    }
}
