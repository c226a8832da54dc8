using System.Net;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The customer list over a book recorded in three knowledge steps: attributes changed without an ARR change,
/// a segment changed while churned, a contract signed and churned on one day, a customer whose only signing is
/// voided, one whose first event is effective later, backdated events and voids.
/// </summary>
public class CustomerListTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private static readonly string[] Dates = ["2023-12-31", "2024-02-15", "2024-06-30", "2024-09-01", "2024-12-31", "2025-12-31"];

    private static readonly Instant First = MetricsApp.Start + Duration.FromDays(30);
    private static readonly Instant Second = First + Duration.FromDays(1);
    private static readonly Instant Third = First + Duration.FromDays(2);

    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAtAsync(First, Batch(
            Signed("cl-a1", "acme", "acme-c1", "2024-01-15", 60_000, "enterprise"),
            Signed("cl-b1", "birch", "birch-c1", "2024-02-01", 40_000, "mid_market"),
            Churned("cl-b2", "birch", "birch-c1", "2024-07-01"),
            Signed("cl-g1", "gale", "gale-c1", "2024-01-01", 8_000, "smb"),
            Churned("cl-g2", "gale", "gale-c1", "2024-06-01"),
            Signed("cl-n1", "nova", "nova-c1", "2024-03-01", 5_000, "smb"),
            Churned("cl-n2", "nova", "nova-c1", "2024-03-01"),
            Signed("cl-v1", "vale", "vale-c1", "2024-03-01", 7_000, "enterprise"),
            Signed("cl-l1", "late", "late-c1", "2025-06-01", 9_000, "mid_market"),
            Signed("cl-d1", "Delta", "delta-c1", "2024-02-01", 30_000, "smb")))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Second, Batch(
            RenewedAs("cl-a2", "acme", "acme-c1", "2024-06-15", 60_000, "2025-06-14", "Acme Holdings", "enterprise"),
            RenewedAs("cl-d2", "Delta", "delta-c1", "2024-08-01", 30_000, "2025-07-31", "Delta Foods", "mid_market"),
            Signed("cl-g3", "gale", "gale-c2", "2024-09-01", 1_000, "enterprise"),
            Churned("cl-g4", "gale", "gale-c2", "2024-09-01"),
            Upsold("cl-a3", "acme", "acme-c1", "2024-03-01", 5_000),
            Voided("cl-v2", "cl-v1")))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Third, Batch(
            Downsold("cl-d3", "Delta", "delta-c1", "2024-05-01", 10_000),
            Voided("cl-a4", "cl-a3"),
            CrossSold("cl-b3", "birch", "birch-c2", "2024-04-01", 2_500)))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(Third + Duration.FromDays(1));
    });

    public Task DisposeAsync() => Task.CompletedTask;

    private static string[] KnownAts => [.. new[] { First, Second, Third }.Select(i => InstantPattern.ExtendedIso.Format(i))];

    [Fact]
    public async Task every_page_together_lists_each_customer_once_in_id_order_as_its_own_endpoint_answers()
    {
        foreach (var knownAt in KnownAts)
        {
            foreach (var asOf in Dates)
            {
                var listed = await ListAllAsync($"asOf={asOf}&knownAt={knownAt}", limit: 3);

                var ids = listed.Select(c => c["customerId"]!.GetValue<string>()).ToList();
                Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
                Assert.Equal(ids.Count, ids.Distinct().Count());
                foreach (var customer in listed)
                {
                    var own = (await app.GetAsync($"/api/v1/customers/{customer["customerId"]}?asOf={asOf}&knownAt={knownAt}"))
                        .ShouldBe(HttpStatusCode.OK);
                    foreach (var field in new[] { "status", "name", "segment" })
                    {
                        Assert.Equal(own.Body![field]?.GetValue<string>(), customer[field]?.GetValue<string>());
                    }

                    Assert.Equal(own.Decimal("arr"), customer["arr"]!.GetValue<decimal>());
                }
            }
        }
    }

    [Fact]
    public async Task a_customer_appears_from_the_instant_itsFirst_event_was_recorded()
    {
        var before = InstantPattern.ExtendedIso.Format(First - Duration.FromSeconds(1));
        Assert.Empty(await ListAllAsync($"asOf=2025-12-31&knownAt={before}", limit: 10));

        var first = (await ListAllAsync($"asOf=2023-12-31&knownAt={KnownAts[0]}", limit: 10))
            .Select(c => (c["customerId"]!.GetValue<string>(), c["status"]!.GetValue<string>(), c["name"]?.GetValue<string>()));
        Assert.Equal(
            [("Delta", "never_active", null), ("acme", "never_active", null), ("birch", "never_active", null), ("gale", "never_active", null),
             ("late", "never_active", null), ("nova", "never_active", null), ("vale", "never_active", null)],
            first);
    }

    [Fact]
    public async Task attributes_changed_without_a_movement_and_while_churned_are_shown()
    {
        var listed = (await ListAllAsync("asOf=2024-12-31", limit: 100)).ToDictionary(c => c["customerId"]!.GetValue<string>());

        Assert.Equal("Acme Holdings", listed["acme"]["name"]!.GetValue<string>());
        Assert.Equal(("enterprise", "churned", 0m),
            (listed["gale"]["segment"]!.GetValue<string>(), listed["gale"]["status"]!.GetValue<string>(), listed["gale"]["arr"]!.GetValue<decimal>()));
        Assert.Equal("never_active", listed["nova"]["status"]!.GetValue<string>());
        Assert.Equal(("never_active", null), (listed["vale"]["status"]!.GetValue<string>(), listed["vale"]["name"]?.GetValue<string>()));
        Assert.Equal(("never_active", null), (listed["late"]["status"]!.GetValue<string>(), listed["late"]["segment"]?.GetValue<string>()));
        // The renewal at 30,000 replaces the ARR that the backdated downsell reduced to 20,000 before it.
        Assert.Equal((30_000m, "mid_market"), (listed["Delta"]["arr"]!.GetValue<decimal>(), listed["Delta"]["segment"]!.GetValue<string>()));
    }

    [Fact]
    public async Task the_arr_listed_adds_up_to_the_arr_figure_for_the_book_and_for_each_segment()
    {
        foreach (var knownAt in KnownAts)
        {
            foreach (var asOf in Dates)
            {
                foreach (var segment in new string?[] { null, "smb", "mid_market", "enterprise" })
                {
                    var query = $"asOf={asOf}&knownAt={knownAt}" + (segment is null ? "" : $"&segment={segment}");
                    var listed = await ListAllAsync(query, limit: 2);
                    var figure = (await app.GetAsync($"/api/v1/arr?{query}")).ShouldBe(HttpStatusCode.OK);

                    Assert.Equal(figure.Decimal("arr"), listed.Sum(c => c["arr"]!.GetValue<decimal>()));
                    Assert.Equal(figure["activeCustomers"].GetValue<int>(), listed.Count(c => c["status"]!.GetValue<string>() == "active"));
                    Assert.All(listed, c => Assert.Equal(segment ?? c["segment"]?.GetValue<string>(), c["segment"]?.GetValue<string>()));
                }
            }
        }
    }

    [Theory]
    [InlineData("active")]
    [InlineData("churned")]
    [InlineData("never_active")]
    public async Task a_status_lists_exactly_the_customers_with_that_status(string status)
    {
        foreach (var knownAt in KnownAts)
        {
            foreach (var asOf in Dates)
            {
                var query = $"asOf={asOf}&knownAt={knownAt}";
                var all = await ListAllAsync(query, limit: 100);
                var only = await ListAllAsync($"{query}&status={status}", limit: 2);

                Assert.Equal(
                    all.Where(c => c["status"]!.GetValue<string>() == status).Select(c => c.ToJsonString()),
                    only.Select(c => c.ToJsonString()));
            }
        }
    }

    [Fact]
    public async Task the_response_echoes_what_it_answered_for()
    {
        var reply = (await app.GetAsync($"/api/v1/customers?asOf=2024-12-31&knownAt={KnownAts[1]}&segment=enterprise&status=churned&limit=5&offset=1"))
            .ShouldBe(HttpStatusCode.OK);

        Assert.Equal(("2024-12-31", KnownAts[1], "enterprise", "churned"),
            (reply["asOf"].GetValue<string>(), reply["knownAt"].GetValue<string>(), reply["segment"].GetValue<string>(), reply["status"].GetValue<string>()));
        Assert.Equal((1, 5, "USD"), (reply["offset"].GetValue<int>(), reply["limit"].GetValue<int>(), reply["currency"].GetValue<string>()));
        Assert.Empty(reply["customers"].AsArray());
        Assert.Equal(1, reply["total"].GetValue<int>());
    }

    [Theory]
    [InlineData("status=lapsed", "status")]
    [InlineData("status=Active", "status")]
    [InlineData("status=", "status")]
    [InlineData("segment=large", "segment")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=10001", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("asOf=2024-13-01", "asOf")]
    [InlineData("knownAt=today", "knownAt")]
    [InlineData("page=2", "page")]
    [InlineData("customerId=acme", "customerId")]
    public async Task a_bad_or_unknown_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var refused = (await app.GetAsync($"/api/v1/customers?{query}")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.NotNull(refused["errors"][parameter]);
    }

    /// <summary>Every page of a list, checking that each page reports the same total and that the pages add up to it.</summary>
    private async Task<List<JsonNode>> ListAllAsync(string query, int limit)
    {
        var customers = new List<JsonNode>();
        int? total = null;
        for (var offset = 0; total is null || offset < total; offset += limit)
        {
            var page = (await app.GetAsync($"/api/v1/customers?{query}&limit={limit}&offset={offset}")).ShouldBe(HttpStatusCode.OK);
            Assert.Equal(total ?? page["total"].GetValue<int>(), page["total"].GetValue<int>());
            total = page["total"].GetValue<int>();
            var entries = page["customers"].AsArray();
            Assert.Equal(Math.Min(limit, total.Value - offset), entries.Count);
            customers.AddRange(entries.Select(e => e!.DeepClone()));
        }

        return customers;
    }
}
