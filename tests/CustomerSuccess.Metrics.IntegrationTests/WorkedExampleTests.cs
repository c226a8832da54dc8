using System.Net;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// Worked examples 1 and 2 of metrics.md: opening ARR 100,000 (A 60,000, B 40,000); in 2025 A is upsold
/// +10,000, B churns and C signs 20,000; D is upsold and downsold on one day.
/// </summary>
public class WorkedExampleTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAsync(Batch(
            Signed("a-1", "a", "a-c1", "2024-03-01", 60_000, "enterprise"),
            Signed("b-1", "b", "b-c1", "2024-05-01", 40_000, "mid_market"),
            Upsold("a-2", "a", "a-c1", "2025-04-01", 10_000),
            Churned("b-2", "b", "b-c1", "2025-06-30"),
            Signed("c-1", "c", "c-c1", "2025-09-15", 20_000, "smb"),
            Signed("d-1", "d", "d-c1", "2026-01-10", 50_000, "smb"),
            Upsold("d-2", "d", "d-c1", "2026-02-01", 5_000),
            Downsold("d-3", "d", "d-c1", "2026-02-01", 2_000)))).ShouldBe(HttpStatusCode.OK);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task example_1_the_bridge_reconciles_to_closing()
    {
        var summary = (await app.GetAsync("/api/v1/metrics/bridge?from=2025-01-01&to=2025-12-31")).ShouldBe(HttpStatusCode.OK)["summary"];

        Assert.Equal(100_000m, summary["openingArr"]!.GetValue<decimal>());
        Assert.Equal(20_000m, summary["newArr"]!.GetValue<decimal>());
        Assert.Equal(10_000m, summary["expansionArr"]!.GetValue<decimal>());
        Assert.Equal(40_000m, summary["churnArr"]!.GetValue<decimal>());
        Assert.Equal(0m, summary["contractionArr"]!.GetValue<decimal>());
        Assert.Equal(0m, summary["reactivationArr"]!.GetValue<decimal>());
        Assert.Equal(90_000m, summary["closingArr"]!.GetValue<decimal>());
        Assert.Null(summary["transferInArr"]);
    }

    [Fact]
    public async Task example_1_retention_rates()
    {
        var reply = (await app.GetAsync("/api/v1/metrics/retention?from=2025-01-01&to=2025-12-31")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(2, reply["cohortCustomers"].GetValue<int>());
        Assert.Equal(100_000m, reply.Decimal("openingArr"));
        Assert.Equal(0.6m, reply.Decimal("grossRenewalRate"));
        Assert.Equal(0.7m, reply.Decimal("netRenewalRate"));
        Assert.Equal(0.5m, reply.Decimal("logoRetention"));
        Assert.Equal(0.5m, reply.Decimal("logoChurnRate"));
        Assert.Equal(0.1m, reply.Decimal("expansionRate"));
        Assert.Equal(0m, reply.Decimal("contractionRate"));
        Assert.Equal(0.4m, reply.Decimal("revenueChurnRate"));
        Assert.Equal(0.75m, reply.Decimal("quickRatio"));
        Assert.Empty(reply["notes"].AsArray());
    }

    [Fact]
    public async Task trailing_twelve_months_is_the_year_ending_on_asOf()
    {
        var reply = (await app.GetAsync("/api/v1/metrics/retention?asOf=2025-12-31")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("2025-01-01", reply["from"].GetValue<string>());
        Assert.Equal(0.7m, reply.Decimal("netRenewalRate"));
    }

    [Fact]
    public async Task example_2_same_day_upsell_and_downsell_net_to_one_expansion()
    {
        var bridge = (await app.GetAsync("/api/v1/metrics/bridge?from=2026-02-01&to=2026-02-01")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(3_000m, bridge["summary"]["expansionArr"]!.GetValue<decimal>());

        var movements = (await app.GetAsync("/api/v1/audit/movements?from=2026-02-01&to=2026-02-01")).ShouldBe(HttpStatusCode.OK);
        var movement = Assert.Single(movements["movements"].AsArray())!;
        Assert.Equal(("d", "expansion", 3_000m), (movement["customerId"]!.GetValue<string>(), movement["kind"]!.GetValue<string>(), movement["amount"]!.GetValue<decimal>()));
        Assert.Equal(["d-2", "d-3"], movement["eventIds"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    [Fact]
    public async Task monthly_bridge_entries_chain_and_sum_to_the_summary()
    {
        var reply = (await app.GetAsync("/api/v1/metrics/bridge?from=2025-01-15&to=2025-12-31&interval=month")).ShouldBe(HttpStatusCode.OK);
        var entries = reply["entries"].AsArray();

        Assert.Equal(12, entries.Count);
        Assert.Equal("2025-01-15", entries[0]!["from"]!.GetValue<string>());
        Assert.Equal("2025-01-31", entries[0]!["to"]!.GetValue<string>());
        for (var i = 1; i < entries.Count; i++)
        {
            Assert.Equal(entries[i - 1]!["closingArr"]!.GetValue<decimal>(), entries[i]!["openingArr"]!.GetValue<decimal>());
        }

        Assert.Equal(reply["summary"]["closingArr"]!.GetValue<decimal>(), entries[^1]!["closingArr"]!.GetValue<decimal>());
        Assert.Equal(40_000m, entries[5]!["churnArr"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task audit_lists_the_movements_behind_the_bridge_with_their_events()
    {
        var reply = (await app.GetAsync("/api/v1/audit/movements?from=2025-01-01&to=2025-12-31")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(
            [("a", "expansion", 10_000m, "a-2"), ("b", "churn", 40_000m, "b-2"), ("c", "new", 20_000m, "c-1")],
            reply["movements"].AsArray().Select(m => (m!["customerId"]!.GetValue<string>(), m["kind"]!.GetValue<string>(),
                m["amount"]!.GetValue<decimal>(), m["eventIds"]![0]!.GetValue<string>())));
        Assert.Equal(3, reply["total"].GetValue<int>());

        var churnOnly = (await app.GetAsync("/api/v1/audit/movements?from=2025-01-01&to=2025-12-31&kind=churn")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("b", Assert.Single(churnOnly["movements"].AsArray())!["customerId"]!.GetValue<string>());

        var secondPage = (await app.GetAsync("/api/v1/audit/movements?from=2025-01-01&to=2025-12-31&limit=2&offset=2")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("c", Assert.Single(secondPage["movements"].AsArray())!["customerId"]!.GetValue<string>());
        Assert.Equal(3, secondPage["total"].GetValue<int>());
    }

    [Fact]
    public async Task monthly_series_reports_period_ends()
    {
        var reply = (await app.GetAsync("/api/v1/arr/series?from=2025-01-01&to=2025-12-31&interval=quarter")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(
            [("2025-03-31", 100_000m, 2), ("2025-06-30", 70_000m, 1), ("2025-09-30", 90_000m, 2), ("2025-12-31", 90_000m, 2)],
            reply["entries"].AsArray().Select(e => (e!["date"]!.GetValue<string>(), e["arr"]!.GetValue<decimal>(), e["activeCustomers"]!.GetValue<int>())));
    }

    [Fact]
    public async Task a_segment_bridge_shows_only_that_segment()
    {
        var summary = (await app.GetAsync("/api/v1/metrics/bridge?from=2025-01-01&to=2025-12-31&segment=enterprise")).ShouldBe(HttpStatusCode.OK)["summary"];

        Assert.Equal((60_000m, 10_000m, 0m, 70_000m), (summary["openingArr"]!.GetValue<decimal>(), summary["expansionArr"]!.GetValue<decimal>(),
            summary["churnArr"]!.GetValue<decimal>(), summary["closingArr"]!.GetValue<decimal>()));
        Assert.Equal(0m, summary["transferInArr"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task range_and_interval_errors_name_the_field()
    {
        var missing = (await app.GetAsync("/api/v1/metrics/bridge?to=2025-12-31")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.NotNull(missing["errors"]["from"]);

        var reversed = (await app.GetAsync("/api/v1/arr/series?from=2025-12-31&to=2025-01-01")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.NotNull(reversed["errors"]["to"]);

        var badInterval = (await app.GetAsync("/api/v1/arr/series?from=2025-01-01&to=2025-12-31&interval=fortnight")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.NotNull(badInterval["errors"]["interval"]);

        var tooMany = (await app.GetAsync("/api/v1/arr/series?from=1970-01-01&to=2199-12-31&interval=day")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.NotNull(tooMany["errors"]["interval"]);

        var badKind = (await app.GetAsync("/api/v1/audit/movements?from=2025-01-01&to=2025-12-31&kind=upsell")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.NotNull(badKind["errors"]["kind"]);
    }
}
