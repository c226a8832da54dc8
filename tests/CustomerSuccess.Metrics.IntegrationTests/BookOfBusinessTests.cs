using System.Net;
using System.Text.Json.Nodes;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// Rowan's book as of 2025-12-31: two accounts of 2024 (one churned in 2025), one signed in 2025 with a renewal due
/// in January, one handed over from Dana in June, and one handed from Rowan to Dana in March, which is no longer Rowan's.
/// </summary>
public class BookOfBusinessTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
        (await app.PostEventsAsync(Batch(
            Of("rowan", Signed("bk-1", "bk-a", "bk-a1", "2024-01-01", 12_000)),
            Of("rowan", Signed("bk-2", "bk-b", "bk-b1", "2024-03-01", 6_000)),
            Churned("bk-3", "bk-b", "bk-b1", "2025-05-01"),
            Of("rowan", Signed("bk-4", "bk-c", "bk-c1", "2025-02-01", 3_000)).Replace("\"termEndDate\":\"2025-12-31\"", "\"termEndDate\":\"2026-01-31\""),
            Signed("bk-5", "bk-d", "bk-d1", "2024-01-01", 20_000),
            Upsold("bk-6", "bk-d", "bk-d1", "2025-06-01", 1_000).Replace("}", ",\"customer\":{\"csm\":\"rowan\"}}"),
            Of("rowan", Signed("bk-7", "bk-e", "bk-e1", "2024-01-01", 5_000)),
            Upsold("bk-8", "bk-e", "bk-e1", "2025-03-01", 500).Replace("}", ",\"customer\":{\"csm\":\"dana\"}}")))).ShouldBe(HttpStatusCode.OK));

    public Task DisposeAsync() => Task.CompletedTask;

    private static string Of(string csm, string signed) => signed.Replace("\"csm\":\"dana\"", $"\"csm\":\"{csm}\"", StringComparison.Ordinal);

    [Fact]
    public async Task a_book_holds_the_accounts_the_csm_owns_on_the_date_their_arr_renewals_due_and_retention()
    {
        var book = (await app.GetAsync("/api/v1/books/rowan?asOf=2025-12-31")).ShouldBe(HttpStatusCode.OK);
        var customers = book["customers"].AsArray().ToDictionary(c => c!["customerId"]!.GetValue<string>(), c => c!);
        Assert.Equal(["bk-a", "bk-b", "bk-c", "bk-d"], customers.Keys);
        Assert.Equal("churned", customers["bk-b"]["status"]!.GetValue<string>());
        Assert.Equal((3, 36_000m), (book["accounts"].GetValue<int>(), book.Decimal("arr")));

        // Active a year before: bk-a 12,000, bk-b 6,000, bk-d 20,000; now 12,000, 0 and 21,000.
        Assert.Equal((3, 38_000m, 33_000m), (book["cohortCustomers"].GetValue<int>(), book.Decimal("openingArr"), book.Decimal("closingArr")));
        Assert.Equal(Math.Round(33_000m / 38_000m, 6), book.Decimal("netRenewalRate"));
        Assert.Equal(Math.Round(32_000m / 38_000m, 6), book.Decimal("grossRenewalRate"));
        Assert.Equal(Math.Round(2m / 3m, 6), book.Decimal("logoRetention"));

        var renewal = Assert.Single(book["renewals"].AsArray())!;
        Assert.Equal(("bk-c", "2026-01-31", "pending"), (renewal["customerId"]!.GetValue<string>(), renewal["termEndDate"]!.GetValue<string>(),
            renewal["status"]!.GetValue<string>()));
        Assert.Equal(1, book["renewalsDue"].GetValue<int>());
    }

    [Fact]
    public async Task before_the_handover_the_account_is_still_the_previous_csm_s()
    {
        var rowan = (await app.GetAsync("/api/v1/books/rowan?asOf=2025-02-28")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["bk-a", "bk-b", "bk-c", "bk-e"], rowan["customers"].AsArray().Select(c => c!["customerId"]!.GetValue<string>()));
        var dana = (await app.GetAsync("/api/v1/books/dana?asOf=2025-02-28")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["bk-d"], dana["customers"].AsArray().Select(c => c!["customerId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task an_unknown_csm_is_not_found_and_csv_lists_every_account()
    {
        var missing = (await app.GetAsync("/api/v1/books/nobody?asOf=2025-12-31")).ShouldBe(HttpStatusCode.NotFound);
        Assert.NotNull(missing["errors"]["csm"]);

        var csv = (await CsvReply.GetAsync(app, "/api/v1/books/rowan?asOf=2025-12-31&format=csv")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["csm", "customerId", "name", "segment", "status", "arr", "arrYearBefore", "currency"], csv.Columns);
        Assert.Equal(["bk-a", "bk-b", "bk-c", "bk-d"], csv.Rows.Select(r => r["customerId"]));
        Assert.Equal("21000.00", csv.Rows[3]["arr"]);
    }
}
