using System.Net;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// Renewals due in 2025, one contract for each outcome: renewed on time (with an expansion), renewed 20 days late,
/// renewed 45 days late (pending), churned before its term end, still pending, renewed too early to be due, a term ending
/// outside the year, and one renewal recorded later, which an earlier knownAt does not see.
/// </summary>
public class RenewalsTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private const string Year = "from=2025-01-01&to=2025-12-31";
    private static readonly Instant First = MetricsApp.Start + Duration.FromDays(1);
    private static readonly Instant Late = MetricsApp.Start + Duration.FromDays(2);

    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAtAsync(First, Batch(
            SignedUntil("rn-1", "rn-a", "rn-a1", "2024-03-01", 10_000, "2025-02-28"),
            Renewed("rn-2", "rn-a", "rn-a1", "2025-02-10", 12_000, "2026-02-28"),
            SignedUntil("rn-3", "rn-b", "rn-b1", "2024-04-01", 8_000, "2025-03-31", "enterprise"),
            Renewed("rn-4", "rn-b", "rn-b1", "2025-04-20", 7_000, "2026-03-31"),
            SignedUntil("rn-5", "rn-c", "rn-c1", "2024-05-01", 6_000, "2025-04-30"),
            Renewed("rn-6", "rn-c", "rn-c1", "2025-06-15", 6_000, "2026-04-30"),
            SignedUntil("rn-7", "rn-d", "rn-d1", "2024-06-01", 5_000, "2025-05-31"),
            Churned("rn-8", "rn-d", "rn-d1", "2025-03-01"),
            SignedUntil("rn-9", "rn-e", "rn-e1", "2024-07-01", 4_000, "2025-06-30"),
            SignedUntil("rn-10", "rn-f", "rn-f1", "2024-08-01", 3_000, "2025-07-31"),
            Renewed("rn-11", "rn-f", "rn-f1", "2025-03-01", 3_000, "2026-07-31"),
            SignedUntil("rn-12", "rn-g", "rn-g1", "2025-02-01", 2_000, "2026-01-31"),
            SignedUntil("rn-13", "rn-h", "rn-h1", "2024-10-01", 1_000, "2025-09-30")))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Late, Renewed("rn-14", "rn-h", "rn-h1", "2025-09-25", 1_500, "2026-09-30"))).ShouldBe(HttpStatusCode.OK);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    private static string SignedUntil(string id, string customer, string contract, string date, decimal arr, string termEnd, string segment = "smb") =>
        Signed(id, customer, contract, date, arr, segment).Replace($"\"termEndDate\":\"{date[..4]}-12-31\"", $"\"termEndDate\":\"{termEnd}\"", StringComparison.Ordinal);

    private static Dictionary<string, JsonNode> ByCustomer(Reply reply) =>
        reply["contracts"].AsArray().ToDictionary(c => c!["customerId"]!.GetValue<string>(), c => c!);

    [Fact]
    public async Task each_term_ending_in_the_period_is_renewed_churned_or_pending_and_the_counts_add_up()
    {
        var reply = (await app.GetAsync($"/api/v1/renewals?{Year}")).ShouldBe(HttpStatusCode.OK);
        var contracts = ByCustomer(reply);
        Assert.Equal(
            [("rn-a", "renewed"), ("rn-b", "renewed"), ("rn-c", "pending"), ("rn-d", "churned"), ("rn-e", "pending"), ("rn-h", "renewed")],
            contracts.Select(c => (c.Key, c.Value["status"]!.GetValue<string>())).OrderBy(c => c.Key));
        Assert.Equal((6, 3, 1, 2), (reply["due"].GetValue<int>(), reply["renewed"].GetValue<int>(), reply["churned"].GetValue<int>(),
            reply["pending"].GetValue<int>()));
        Assert.Equal(reply["due"].GetValue<int>(),
            reply["renewed"].GetValue<int>() + reply["churned"].GetValue<int>() + reply["pending"].GetValue<int>());

        var a = contracts["rn-a"];
        Assert.Equal(("2025-02-28", 10_000m, 12_000m, "2025-02-10", "rn-2"), (a["termEndDate"]!.GetValue<string>(), a["arr"]!.GetValue<decimal>(),
            a["renewedArr"]!.GetValue<decimal>(), a["decidedOn"]!.GetValue<string>(), a["eventId"]!.GetValue<string>()));
        Assert.Equal(("2025-03-01", "rn-8"), (contracts["rn-d"]["decidedOn"]!.GetValue<string>(), contracts["rn-d"]["eventId"]!.GetValue<string>()));
        Assert.Null(contracts["rn-e"]["decidedOn"]);

        // Decided: rn-a 10,000 → 12,000, rn-b 8,000 → 7,000, rn-h 1,000 → 1,500; rn-d 5,000 churned.
        Assert.Equal(0.75m, reply["renewalRateByCount"].GetValue<decimal>());
        Assert.Equal(Math.Round((10_000m + 7_000m + 1_000m) / 24_000m, 6), reply["grossRenewalRateByArr"].GetValue<decimal>());
        Assert.Equal(Math.Round((12_000m + 7_000m + 1_500m) / 24_000m, 6), reply["netRenewalRateByArr"].GetValue<decimal>());
    }

    [Fact]
    public async Task an_event_voided_in_the_batch_that_sent_it_is_not_part_of_the_term()
    {
        (await app.PostEventsAsync(Batch(
            SignedUntil("rv-1", "rv-a", "rv-a1", "2026-07-01", 2_000, "2027-06-30"),
            Upsold("rv-2", "rv-a", "rv-a1", "2026-09-01", 500),
            Voided("rv-3", "rv-2"),
            Renewed("rv-4", "rv-a", "rv-a1", "2027-06-15", 2_200, "2028-06-30")))).ShouldBe(HttpStatusCode.OK);

        var term = ByCustomer((await app.GetAsync("/api/v1/renewals?from=2027-01-01&to=2027-12-31")).ShouldBe(HttpStatusCode.OK))["rv-a"];
        Assert.Equal(("renewed", 2_000m, 2_200m), (term["status"]!.GetValue<string>(), term["arr"]!.GetValue<decimal>(), term["renewedArr"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task a_renewal_recorded_later_is_not_seen_as_known_before_it()
    {
        var reply = (await app.GetAsync($"/api/v1/renewals?{Year}&knownAt={InstantPattern.ExtendedIso.Format(Late - Duration.FromHours(1))}"))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal("pending", ByCustomer(reply)["rn-h"]["status"]!.GetValue<string>());
        Assert.Equal((2, 1, 3), (reply["renewed"].GetValue<int>(), reply["churned"].GetValue<int>(), reply["pending"].GetValue<int>()));
    }

    [Fact]
    public async Task a_segment_keeps_its_own_contracts_and_a_trailing_year_is_asked_with_as_of()
    {
        var enterprise = (await app.GetAsync($"/api/v1/renewals?{Year}&segment=enterprise")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["rn-b"], ByCustomer(enterprise).Keys);

        var trailing = (await app.GetAsync("/api/v1/renewals?asOf=2025-12-31")).ShouldBe(HttpStatusCode.OK);
        var year = (await app.GetAsync($"/api/v1/renewals?{Year}&knownAt={trailing["knownAt"].GetValue<string>()}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(year.Text, trailing.Text);

        var none = (await app.GetAsync("/api/v1/renewals?from=2030-01-01&to=2030-12-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(0, none["due"].GetValue<int>());
        Assert.Null(none.Body!["renewalRateByCount"]);
        Assert.Null(none.Body["grossRenewalRateByArr"]);
    }

    [Fact]
    public async Task csv_has_a_row_per_due_contract_with_the_json_values()
    {
        var json = (await app.GetAsync($"/api/v1/renewals?{Year}")).ShouldBe(HttpStatusCode.OK);
        var csv = (await CsvReply.GetAsync(app, $"/api/v1/renewals?{Year}&format=csv&knownAt={json["knownAt"].GetValue<string>()}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["customerId", "contractId", "segment", "termEndDate", "status", "arr", "renewedArr", "currency", "decidedOn", "eventId"], csv.Columns);
        var contracts = json["contracts"].AsArray();
        Assert.Equal(contracts.Count, csv.Rows.Count);
        foreach (var (c, row) in contracts.Zip(csv.Rows))
        {
            Assert.Equal((c!["customerId"]!.GetValue<string>(), c["status"]!.GetValue<string>(), c["termEndDate"]!.GetValue<string>()),
                (row["customerId"], row["status"], row["termEndDate"]));
            Assert.Equal(c["arr"]!.GetValue<decimal>(), decimal.Parse(row["arr"], System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
