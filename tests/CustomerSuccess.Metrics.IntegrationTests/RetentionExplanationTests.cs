using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>GET /api/v1/explain/retention over <see cref="ChurnBook"/>: the rates of /metrics/retention with their cohort.</summary>
public class RetentionExplanationTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private static readonly string[] Rates =
        ["grossRenewalRate", "netRenewalRate", "logoRetention", "logoChurnRate", "expansionRate", "contractionRate", "revenueChurnRate", "quickRatio"];

    public Task InitializeAsync() => app.SeedOnceAsync(() => ChurnBook.SeedAsync(app));

    public Task DisposeAsync() => Task.CompletedTask;

    private static decimal Money(JsonNode? member, string name) => member![name]!.GetValue<decimal>();

    private static decimal Round(decimal rate) => Math.Round(rate, 6, MidpointRounding.ToEven);

    [Theory]
    [InlineData("from=2025-01-01&to=2025-12-31")]
    [InlineData("asOf=2025-12-31")]
    [InlineData("asOf=2025-06-30")]
    [InlineData("from=2025-03-01&to=2025-03-31&segment=enterprise")]
    [InlineData("from=2025-01-01&to=2025-12-31&segment=smb")]
    [InlineData("from=2025-01-01&to=2025-12-31&segment=mid_market")]
    [InlineData("from=1990-01-01&to=1990-12-31")]
    public async Task the_rates_are_the_published_ones_and_the_cohort_sums_to_their_numerators_and_denominators(string query)
    {
        foreach (var knownAt in new[] { ChurnBook.KnownBetween, ChurnBook.KnownAfter })
        {
            var explained = (await app.GetAsync($"/api/v1/explain/retention?{query}&knownAt={knownAt}")).ShouldBe(HttpStatusCode.OK);
            var published = (await app.GetAsync($"/api/v1/metrics/retention?{query}&knownAt={knownAt}")).ShouldBe(HttpStatusCode.OK);

            foreach (var field in new[] { "from", "to", "knownAt", "currency" })
            {
                Assert.Equal(published[field].GetValue<string>(), explained[field].GetValue<string>());
            }

            foreach (var rate in Rates)
            {
                Assert.Equal(published.Body![rate]?.GetValue<decimal>(), explained.Body![rate]?.GetValue<decimal>());
            }

            Assert.Equal(published["notes"].ToJsonString(), explained["notes"].ToJsonString());
            Assert.Equal(published.Decimal("openingArr"), explained.Decimal("openingArr"));
            var cohort = explained["cohort"].AsArray();
            Assert.Equal(published["cohortCustomers"].GetValue<int>(), cohort.Count);
            Assert.Equal(explained["cohortCustomers"].GetValue<int>(), cohort.Count);
            Assert.Equal(explained.Decimal("openingArr"), cohort.Sum(m => Money(m, "openingArr")));
            Assert.Equal(explained.Decimal("closingArr"), cohort.Sum(m => Money(m, "closingArr")));
            Assert.Equal(explained.Decimal("grossArr"), cohort.Sum(m => Money(m, "grossArr")));
            Assert.Equal(explained["retainedCustomers"].GetValue<int>(), cohort.Count(m => m!["retained"]!.GetValue<bool>()));
            Assert.All(cohort, m => Assert.Equal(Math.Min(Money(m, "openingArr"), Money(m, "closingArr")), Money(m, "grossArr")));
            Assert.All(cohort, m => Assert.Equal(Money(m, "closingArr") > 0m, m!["retained"]!.GetValue<bool>()));
            if (cohort.Count > 0)
            {
                var opening = cohort.Sum(m => Money(m, "openingArr"));
                Assert.Equal(published.Decimal("grossRenewalRate"), Round(cohort.Sum(m => Money(m, "grossArr")) / opening));
                Assert.Equal(published.Decimal("netRenewalRate"), Round(cohort.Sum(m => Money(m, "closingArr")) / opening));
                Assert.Equal(published.Decimal("logoRetention"), Round((decimal)cohort.Count(m => m!["retained"]!.GetValue<bool>()) / cohort.Count));
            }
        }
    }

    [Fact]
    public async Task the_cohort_is_the_customers_active_before_the_period_with_their_arr_then_and_at_its_end()
    {
        var explained = (await app.GetAsync($"/api/v1/explain/retention?from=2025-01-01&to=2025-12-31&knownAt={ChurnBook.KnownAfter}"))
            .ShouldBe(HttpStatusCode.OK);

        Assert.Equal(
        [
            ("co", 66_000m, 60_000m, 60_000m, true), ("lo", 50_000m, 0m, 0m, false), ("re", 12_000m, 15_000m, 12_000m, true),
            ("sw", 20_000m, 20_000m, 20_000m, true), ("vo", 30_000m, 30_000m, 30_000m, true),
        ], explained["cohort"].AsArray().Select(m => (m!["customerId"]!.GetValue<string>(), Money(m, "openingArr"), Money(m, "closingArr"),
            Money(m, "grossArr"), m["retained"]!.GetValue<bool>())));
        Assert.Equal((178_000m, 125_000m, 122_000m, 4), (explained.Decimal("openingArr"), explained.Decimal("closingArr"), explained.Decimal("grossArr"),
            explained["retainedCustomers"].GetValue<int>()));
    }

    [Fact]
    public async Task csv_has_one_row_per_cohort_member()
    {
        var query = $"/api/v1/explain/retention?asOf=2025-12-31&segment=smb&knownAt={ChurnBook.KnownAfter}";
        var json = (await app.GetAsync(query)).ShouldBe(HttpStatusCode.OK);
        var csv = (await CsvReply.GetAsync(app, query, "text/csv")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(["customerId", "openingArr", "closingArr", "grossArr", "retained", "currency"], csv.Columns);
        Assert.Equal(
            json["cohort"].AsArray().Select(m => (m!["customerId"]!.GetValue<string>(), Money(m, "openingArr"), Money(m, "closingArr"), Money(m, "grossArr"),
                m["retained"]!.GetValue<bool>() ? "true" : "false")),
            csv.Rows.Select(r => (r["customerId"], decimal.Parse(r["openingArr"], CultureInfo.InvariantCulture), decimal.Parse(r["closingArr"], CultureInfo.InvariantCulture),
                decimal.Parse(r["grossArr"], CultureInfo.InvariantCulture), r["retained"])));
        Assert.Equal(["re", "sw", "vo"], csv.Rows.Select(r => r["customerId"]));
        Assert.Equal("retention-2025-01-01-2025-12-31", csv.Headers["Content-Disposition"].Split('"')[1].Replace(".csv", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("from=2025-01-01&to=2025-12-31&format=tsv", "format")]
    [InlineData("asOf=2025-12-31&from=2025-01-01&to=2025-12-31", "asOf")]
    [InlineData("from=2025-01-01&to=2025-12-31&interval=month", "interval")]
    public async Task a_bad_or_unknown_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var refused = (await app.GetAsync($"/api/v1/explain/retention?{query}")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.NotNull(refused["errors"][parameter]);
    }
}
