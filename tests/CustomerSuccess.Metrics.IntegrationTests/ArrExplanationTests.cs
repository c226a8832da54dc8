using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>GET /api/v1/explain/arr over <see cref="ChurnBook"/>: the ARR of /arr taken apart into customers, contracts and events.</summary>
public class ArrExplanationTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.SeedOnceAsync(() => ChurnBook.SeedAsync(app));

    public Task DisposeAsync() => Task.CompletedTask;

    private static decimal Arr(JsonNode? node) => node!["arr"]!.GetValue<decimal>();

    private static string Id(JsonNode? node, string name) => node![name]!.GetValue<string>();

    [Theory]
    [InlineData("asOf=2025-12-31")]
    [InlineData("asOf=2025-06-15")]
    [InlineData("asOf=2024-12-31&segment=smb")]
    [InlineData("asOf=2025-12-31&segment=enterprise")]
    [InlineData("asOf=2023-12-31")]
    public async Task the_total_is_the_arr_figure_and_its_parts_add_up_to_it(string query)
    {
        foreach (var knownAt in new[] { ChurnBook.KnownBetween, ChurnBook.KnownAfter })
        {
            var explained = (await app.GetAsync($"/api/v1/explain/arr?{query}&knownAt={knownAt}")).ShouldBe(HttpStatusCode.OK);
            var figure = (await app.GetAsync($"/api/v1/arr?{query}&knownAt={knownAt}")).ShouldBe(HttpStatusCode.OK);

            Assert.Equal(figure.Decimal("arr"), explained.Decimal("arr"));
            Assert.Equal(figure["activeCustomers"].GetValue<int>(), explained["activeCustomers"].GetValue<int>());
            var customers = explained["customers"].AsArray();
            Assert.Equal(explained.Decimal("arr"), customers.Sum(Arr));
            Assert.Equal(explained["activeCustomers"].GetValue<int>(), customers.Count);
            Assert.All(customers, c => Assert.Equal(Arr(c), c!["contracts"]!.AsArray().Sum(Arr)));
            Assert.All(customers, c => Assert.All(c!["contracts"]!.AsArray(), k => Assert.True(Arr(k) > 0m)));
        }
    }

    [Fact]
    public async Task each_contract_lists_its_events_up_to_asOf_with_a_voided_one_marked()
    {
        var now = (await app.GetAsync($"/api/v1/explain/arr?asOf=2025-12-31&knownAt={ChurnBook.KnownAfter}")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(["co", "re", "sw", "vo"], now["customers"].AsArray().Select(c => Id(c, "customerId")));
        Assert.Equal(125_000m, now.Decimal("arr"));
        var vo = Assert.Single(now["customers"].AsArray().Single(c => Id(c, "customerId") == "vo")!["contracts"]!.AsArray())!;
        Assert.Equal(("vo-c1", 30_000m), (Id(vo, "contractId"), Arr(vo)));
        Assert.Equal(
            [("vo-1", "contract.signed", "2024-01-01", ChurnBook.FirstRecordedAt, false), ("vo-2", "contract.churned", "2025-04-01", ChurnBook.FirstRecordedAt, true)],
            vo["events"]!.AsArray().Select(e => (Id(e, "eventId"), Id(e, "type"), Id(e, "effectiveDate"), Id(e, "recordedAt"), e!["voided"]!.GetValue<bool>())));

        var sw = Assert.Single(now["customers"].AsArray().Single(c => Id(c, "customerId") == "sw")!["contracts"]!.AsArray())!;
        Assert.Equal("sw-c2", Id(sw, "contractId"));
        Assert.Equal(["sw-3"], sw["events"]!.AsArray().Select(e => Id(e, "eventId")));

        var co = now["customers"].AsArray().Single(c => Id(c, "customerId") == "co")!["contracts"]!.AsArray();
        Assert.Equal(["co-c1"], co.Select(k => Id(k, "contractId")));

        var then = (await app.GetAsync($"/api/v1/explain/arr?asOf=2025-12-31&knownAt={ChurnBook.KnownBetween}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["co", "sw"], then["customers"].AsArray().Select(c => Id(c, "customerId")));
    }

    [Fact]
    public async Task csv_has_one_row_per_contract_event()
    {
        var query = $"/api/v1/explain/arr?asOf=2025-12-31&knownAt={ChurnBook.KnownAfter}";
        var json = (await app.GetAsync(query)).ShouldBe(HttpStatusCode.OK);
        var csv = (await CsvReply.GetAsync(app, query + "&format=csv")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(["customerId", "customerArr", "contractId", "contractArr", "currency", "eventId", "type", "effectiveDate", "recordedAt", "voided"], csv.Columns);
        var expected = json["customers"].AsArray().SelectMany(c => c!["contracts"]!.AsArray().SelectMany(k => k!["events"]!.AsArray().Select(e =>
            (Id(c, "customerId"), Arr(c), Id(k, "contractId"), Arr(k), Id(e, "eventId"), Id(e, "recordedAt"), e!["voided"]!.GetValue<bool>() ? "true" : "false"))));
        Assert.Equal(expected, csv.Rows.Select(r => (r["customerId"], decimal.Parse(r["customerArr"], CultureInfo.InvariantCulture), r["contractId"],
            decimal.Parse(r["contractArr"], CultureInfo.InvariantCulture), r["eventId"], r["recordedAt"], r["voided"])));
        Assert.All(csv.Rows, r => Assert.Equal("USD", r["currency"]));
        Assert.Equal("30000.00", csv.Rows.Single(r => r["eventId"] == "vo-2")["contractArr"]);
    }

    [Theory]
    [InlineData("asOf=2025-12-31&format=pdf", "format")]
    [InlineData("asOf=2025-12-31&from=2025-01-01", "from")]
    [InlineData("asOf=2025-13-01", "asOf")]
    public async Task a_bad_or_unknown_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var refused = (await app.GetAsync($"/api/v1/explain/arr?{query}")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.NotNull(refused["errors"][parameter]);
    }
}
