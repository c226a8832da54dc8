using System.Net;
using System.Text.Json.Nodes;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>GET /api/v1/audit/churn over <see cref="ChurnBook"/>: logo churns and contract endings, as known at an instant.</summary>
public class ChurnAuditTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private const string Year = "from=2025-01-01&to=2025-12-31";

    public Task InitializeAsync() => app.SeedOnceAsync(() => ChurnBook.SeedAsync(app));

    public Task DisposeAsync() => Task.CompletedTask;

    private static List<(string Kind, string Customer, string? Contract, string Date, decimal ArrLost)> Summary(Reply audit) =>
    [
        .. audit["entries"].AsArray().Select(e => (e!["kind"]!.GetValue<string>(), e["customerId"]!.GetValue<string>(),
            e["contractId"]?.GetValue<string>(), e["churnDate"]!.GetValue<string>(), e["arrLost"]!.GetValue<decimal>())),
    ];

    private static JsonNode Entry(Reply audit, string customer, string? contract = null) =>
        audit["entries"].AsArray().Single(e => e!["customerId"]!.GetValue<string>() == customer && e["contractId"]?.GetValue<string>() == contract)!;

    [Fact]
    public async Task logo_churns_add_up_to_the_bridge_churn_and_contracts_ended_in_customers_who_stayed_are_listed_apart()
    {
        var audit = (await app.GetAsync($"/api/v1/audit/churn?{Year}")).ShouldBe(HttpStatusCode.OK);
        var bridge = (await app.GetAsync($"/api/v1/metrics/bridge?{Year}&knownAt={audit["knownAt"].GetValue<string>()}")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(
        [
            ("logo", "re", null, "2025-02-01", 12_000m),
            ("contract", "co", "co-c2", "2025-03-01", 6_000m),
            ("contract", "sw", "sw-c1", "2025-05-01", 20_000m),
            ("logo", "lo", null, "2025-06-30", 55_000m),
        ], Summary(audit));
        Assert.Equal(67_000m, audit.Decimal("totalArrLost"));
        Assert.Equal(bridge["summary"]["churnArr"]!.GetValue<decimal>(), audit.Decimal("totalArrLost"));
        Assert.Equal(26_000m, audit.Decimal("contractArrLost"));
        Assert.Equal("USD", audit["currency"].GetValue<string>());
        Assert.Null(audit.Body!["segment"]);
    }

    [Fact]
    public async Task a_logo_churn_names_the_day_s_events_its_churn_events_and_the_arr_of_the_twelve_month_ends_before()
    {
        var lo = Entry((await app.GetAsync($"/api/v1/audit/churn?{Year}")).ShouldBe(HttpStatusCode.OK), "lo");

        Assert.Equal("mid_market", lo["segment"]!.GetValue<string>());
        Assert.Equal(["lo-4", "lo-5"], lo["eventIds"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal("moved to a competitor", lo["reason"]!.GetValue<string>());
        Assert.Null(lo["reactivatedOn"]);
        var churnEvents = lo["churnEvents"]!.AsArray();
        Assert.Equal(
            [("lo-4", "lo-c1", "2025-06-30", ChurnBook.FirstRecordedAt, "moved to a competitor"), ("lo-5", "lo-c2", "2025-06-30", ChurnBook.FirstRecordedAt, null)],
            churnEvents.Select(e => (e!["eventId"]!.GetValue<string>(), e["contractId"]!.GetValue<string>(), e["effectiveDate"]!.GetValue<string>(),
                e["recordedAt"]!.GetValue<string>(), e["reason"]?.GetValue<string>())));
        // Sent over HTTP with the tests' key: the publisher is the key's name.
        Assert.All(churnEvents, e => Assert.Equal((MetricsApp.AdminKeyName, "http"), (e!["publishedBy"]!.GetValue<string>(), e["via"]!.GetValue<string>())));

        // lo signed 40,000 on 2024-07-01, cross-sold 10,000 on 2024-09-01 and was upsold by 5,000 on 2025-02-01.
        Assert.Equal(
        [
            ("2024-06-30", 0m), ("2024-07-31", 40_000m), ("2024-08-31", 40_000m), ("2024-09-30", 50_000m), ("2024-10-31", 50_000m),
            ("2024-11-30", 50_000m), ("2024-12-31", 50_000m), ("2025-01-31", 50_000m), ("2025-02-28", 55_000m), ("2025-03-31", 55_000m),
            ("2025-04-30", 55_000m), ("2025-05-31", 55_000m),
        ], lo["arrHistory"]!.AsArray().Select(h => (h!["monthEnd"]!.GetValue<string>(), h["arr"]!.GetValue<decimal>())));
    }

    [Fact]
    public async Task a_contract_entry_gives_the_contract_its_churn_event_and_the_customer_s_arr_before()
    {
        var audit = (await app.GetAsync($"/api/v1/audit/churn?{Year}")).ShouldBe(HttpStatusCode.OK);
        var co = Entry(audit, "co", "co-c2");

        Assert.Equal(("contract", "enterprise", "budget"), (co["kind"]!.GetValue<string>(), co["segment"]!.GetValue<string>(), co["reason"]!.GetValue<string>()));
        Assert.Equal(["co-3"], co["eventIds"]!.AsArray().Select(e => e!.GetValue<string>()));
        var churnEvent = Assert.Single(co["churnEvents"]!.AsArray())!;
        Assert.Equal(("co-3", MetricsApp.AdminKeyName, "http"),
            (churnEvent["eventId"]!.GetValue<string>(), churnEvent["publishedBy"]!.GetValue<string>(), churnEvent["via"]!.GetValue<string>()));
        Assert.Null(co["reactivatedOn"]);
        var history = co["arrHistory"]!.AsArray();
        Assert.Equal(("2024-03-31", 60_000m), (history[0]!["monthEnd"]!.GetValue<string>(), history[0]!["arr"]!.GetValue<decimal>()));
        Assert.Equal(("2025-02-28", 66_000m), (history[11]!["monthEnd"]!.GetValue<string>(), history[11]!["arr"]!.GetValue<decimal>()));

        // sw swapped its contract for one of the same ARR: the bridge shows nothing, the audit still shows the contract that ended.
        var movements = (await app.GetAsync("/api/v1/audit/movements?from=2025-05-01&to=2025-05-01")).ShouldBe(HttpStatusCode.OK);
        Assert.Empty(movements["movements"].AsArray());
        Assert.Equal("smb", Entry(audit, "sw", "sw-c1")["segment"]!.GetValue<string>());
    }

    [Fact]
    public async Task an_earlier_knownAt_sees_the_churn_since_voided_and_no_reactivation_yet()
    {
        var then = (await app.GetAsync($"/api/v1/audit/churn?{Year}&knownAt={ChurnBook.KnownBetween}")).ShouldBe(HttpStatusCode.OK);
        var bridgeThen = (await app.GetAsync($"/api/v1/metrics/bridge?{Year}&knownAt={ChurnBook.KnownBetween}")).ShouldBe(HttpStatusCode.OK);
        var now = (await app.GetAsync($"/api/v1/audit/churn?{Year}&knownAt={ChurnBook.KnownAfter}")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(ChurnBook.KnownBetween, then["knownAt"].GetValue<string>());
        Assert.Contains(("logo", "vo", null, "2025-04-01", 30_000m), Summary(then));
        Assert.DoesNotContain(Summary(now), e => e.Customer == "vo");
        Assert.Equal(97_000m, then.Decimal("totalArrLost"));
        Assert.Equal(bridgeThen["summary"]["churnArr"]!.GetValue<decimal>(), then.Decimal("totalArrLost"));
        Assert.Null(Entry(then, "re")["reactivatedOn"]);
        Assert.Equal("2025-10-01", Entry(now, "re")["reactivatedOn"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("smb", 12_000, 20_000)]
    [InlineData("mid_market", 55_000, 0)]
    [InlineData("enterprise", 0, 6_000)]
    public async Task a_segment_lists_the_churns_of_its_customers_and_its_logo_churn_is_its_bridge_churn(string segment, int logos, int contracts)
    {
        var audit = (await app.GetAsync($"/api/v1/audit/churn?{Year}&segment={segment}")).ShouldBe(HttpStatusCode.OK);
        var bridge = (await app.GetAsync($"/api/v1/metrics/bridge?{Year}&segment={segment}&knownAt={audit["knownAt"].GetValue<string>()}"))
            .ShouldBe(HttpStatusCode.OK);

        Assert.Equal(segment, audit["segment"].GetValue<string>());
        Assert.All(audit["entries"].AsArray(), e => Assert.Equal(segment, e!["segment"]!.GetValue<string>()));
        Assert.Equal((decimal)logos, audit.Decimal("totalArrLost"));
        Assert.Equal(bridge["summary"]["churnArr"]!.GetValue<decimal>(), audit.Decimal("totalArrLost"));
        Assert.Equal((decimal)contracts, audit.Decimal("contractArrLost"));
    }

    [Theory]
    [InlineData("&format=csv", null)]
    [InlineData("", "text/csv")]
    [InlineData("", "application/json;q=0.5, text/csv")]
    public async Task csv_has_a_header_and_one_row_per_entry_with_the_json_values(string query, string? accept)
    {
        var knownAt = ChurnBook.KnownAfter;
        var json = (await app.GetAsync($"/api/v1/audit/churn?{Year}&knownAt={knownAt}")).ShouldBe(HttpStatusCode.OK);
        var csv = (await CsvReply.GetAsync(app, $"/api/v1/audit/churn?{Year}&knownAt={knownAt}{query}", accept)).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("text/csv", csv.ContentType);
        Assert.Equal(knownAt, csv.Headers["Known-At"]);
        Assert.Equal(
            ["kind", "customerId", "contractId", "churnDate", "segment", "arrLost", "currency", "reason", "reactivatedOn", "eventIds", "churnEventIds",
             "churnRecordedAt", "churnPublishedBy", "churnVia", .. Enumerable.Range(1, 12).Reverse().Select(m => $"arrMonthEnd-{m}")],
            csv.Columns);
        var entries = json["entries"].AsArray();
        Assert.Equal(entries.Count, csv.Rows.Count);
        foreach (var (entry, row) in entries.Zip(csv.Rows))
        {
            Assert.Equal(entry!["customerId"]!.GetValue<string>(), row["customerId"]);
            Assert.Equal(entry["contractId"]?.GetValue<string>() ?? "", row["contractId"]);
            Assert.Equal(entry["kind"]!.GetValue<string>(), row["kind"]);
            Assert.Equal(entry["churnDate"]!.GetValue<string>(), row["churnDate"]);
            Assert.Equal(entry["arrLost"]!.GetValue<decimal>(), decimal.Parse(row["arrLost"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Matches(@"^\d+\.\d\d$", row["arrLost"]);
            Assert.Equal("USD", row["currency"]);
            Assert.Equal(string.Join(' ', entry["eventIds"]!.AsArray().Select(e => e!.GetValue<string>())), row["eventIds"]);
            Assert.Equal(entry["reactivatedOn"]?.GetValue<string>() ?? "", row["reactivatedOn"]);
            Assert.Equal(entry["arrHistory"]!.AsArray()[11]!["arr"]!.GetValue<decimal>(),
                decimal.Parse(row["arrMonthEnd-1"], System.Globalization.CultureInfo.InvariantCulture));
        }

        var lo = csv.Rows.Single(r => r["customerId"] == "lo");
        Assert.Equal(("55000.00", "lo-4 lo-5", "moved to a competitor"), (lo["arrLost"], lo["churnEventIds"], lo["reason"]));
        Assert.Equal($"{ChurnBook.FirstRecordedAt} {ChurnBook.FirstRecordedAt}", lo["churnRecordedAt"]);
        Assert.Equal(($"{MetricsApp.AdminKeyName} {MetricsApp.AdminKeyName}", "http http"), (lo["churnPublishedBy"], lo["churnVia"]));
    }

    [Fact]
    public async Task json_is_answered_when_asked_for_by_name_or_by_accept()
    {
        var named = await CsvReply.GetAsync(app, $"/api/v1/audit/churn?{Year}&format=json", "text/csv");
        var accepted = await CsvReply.GetAsync(app, $"/api/v1/audit/churn?{Year}", "text/csv;q=0.2, application/json");

        Assert.Equal("application/json", named.ContentType);
        Assert.Equal("application/json", accepted.ContentType);
        Assert.Contains("Accept", accepted.Headers["Vary"]);
    }

    [Theory]
    [InlineData("&format=xml", "format")]
    [InlineData("&format=CSV", "format")]
    [InlineData("&format=", "format")]
    [InlineData("&kind=churn", "kind")]
    [InlineData("&segment=huge", "segment")]
    [InlineData("&asOf=2025-12-31", "asOf")]
    public async Task a_bad_or_unknown_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var refused = (await app.GetAsync($"/api/v1/audit/churn?{Year}{query}")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.NotNull(refused["errors"][parameter]);
    }

    [Fact]
    public async Task from_and_to_are_required()
    {
        var refused = (await app.GetAsync("/api/v1/audit/churn?format=csv")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.NotNull(refused["errors"]["from"]);
        Assert.NotNull(refused["errors"]["to"]);
    }
}
