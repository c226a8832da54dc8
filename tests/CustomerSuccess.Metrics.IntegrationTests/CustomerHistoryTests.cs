using System.Net;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// A customer's history as known at an instant, with its ARR around each event: a signing and an upsell, then a
/// backdated downsell and a renewal, then a void of the upsell, each recorded at an instant of its own.
/// </summary>
public class CustomerHistoryTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private static readonly Instant First = MetricsApp.Start + Duration.FromDays(10);
    private static readonly Instant Second = First + Duration.FromDays(1);
    private static readonly Instant Third = First + Duration.FromDays(2);

    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAtAsync(First, Batch(
            Signed("ch-1", "hist", "hist-c1", "2024-01-01", 10_000),
            Upsold("ch-2", "hist", "hist-c1", "2024-03-01", 2_000.125m)))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Second, Batch(
            Downsold("ch-3", "hist", "hist-c1", "2024-02-01", 1_000),
            Renewed("ch-4", "hist", "hist-c1", "2024-06-01", 15_000, "2025-05-31")))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Third, Voided("ch-5", "ch-2"))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(Third + Duration.FromDays(1));
    });

    public Task DisposeAsync() => Task.CompletedTask;

    private static string At(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private async Task<(Reply Reply, Dictionary<string, JsonNode> Events)> HistoryAsync(string query = "")
    {
        var reply = (await app.GetAsync($"/api/v1/customers/hist/events{query}")).ShouldBe(HttpStatusCode.OK);
        return (reply, reply["events"].AsArray().ToDictionary(e => e!["eventId"]!.GetValue<string>(), e => e!));
    }

    private static (decimal, decimal) Around(JsonNode entry) => (entry["arrBefore"]!.GetValue<decimal>(), entry["arrAfter"]!.GetValue<decimal>());

    [Fact]
    public async Task as_known_now_each_event_shows_the_arr_around_it_in_effective_order_and_a_void_changes_nothing_there()
    {
        var (reply, events) = await HistoryAsync();

        Assert.Equal(["ch-1", "ch-2", "ch-3", "ch-4", "ch-5"], reply["events"].AsArray().Select(e => e!["eventId"]!.GetValue<string>()));
        Assert.Equal((0m, 10_000m), Around(events["ch-1"]));
        Assert.Equal((10_000m, 9_000m), Around(events["ch-3"]));
        Assert.Equal((9_000m, 9_000m), Around(events["ch-2"]));
        Assert.Equal((9_000m, 15_000m), Around(events["ch-4"]));
        Assert.Equal((9_000m, 9_000m), Around(events["ch-5"]));
        Assert.True(events["ch-2"]["voided"]!.GetValue<bool>());
        Assert.Equal("ch-5", events["ch-2"]["voidedByEventId"]!.GetValue<string>());
    }

    [Fact]
    public async Task as_known_before_the_void_the_upsell_counts_and_the_void_is_not_listed()
    {
        var (reply, events) = await HistoryAsync($"?knownAt={At(Third - Duration.FromSeconds(1))}");

        Assert.Equal(At(Third - Duration.FromSeconds(1)), reply["knownAt"].GetValue<string>());
        Assert.Equal(["ch-1", "ch-2", "ch-3", "ch-4"], events.Keys);
        Assert.False(events["ch-2"]["voided"]!.GetValue<bool>());
        Assert.Null(events["ch-2"]["voidedByEventId"]);
        Assert.Null(events["ch-2"]["voidedAt"]);
        Assert.Equal((10_000m, 9_000m), Around(events["ch-3"]));
        // 11,000.125 presented half-even.
        Assert.Equal((9_000m, 11_000.12m), Around(events["ch-2"]));
        Assert.Equal((11_000.12m, 15_000m), Around(events["ch-4"]));
    }

    [Fact]
    public async Task as_known_at_the_first_instant_only_its_events_are_listed()
    {
        var (_, events) = await HistoryAsync($"?knownAt={At(First)}");

        Assert.Equal(["ch-1", "ch-2"], events.Keys);
        Assert.Equal((10_000m, 12_000.12m), Around(events["ch-2"]));
        Assert.Equal(2_000.125m, events["ch-2"]["amount"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task the_arr_after_an_event_is_what_the_customer_endpoint_gives_at_its_effective_date()
    {
        foreach (var knownAt in new[] { First, Second, Third })
        {
            var (_, events) = await HistoryAsync($"?knownAt={At(knownAt)}");
            foreach (var entry in events.Values.Where(e => e["effectiveDate"] is not null && !e["voided"]!.GetValue<bool>()))
            {
                var customer = await app.GetAsync($"/api/v1/customers/hist?asOf={entry["effectiveDate"]}&knownAt={At(knownAt)}");
                Assert.Equal(customer.ShouldBe(HttpStatusCode.OK).Decimal("arr"), entry["arrAfter"]!.GetValue<decimal>());
            }
        }
    }

    [Fact]
    public async Task each_event_carries_its_term_end_when_it_has_one()
    {
        var (_, events) = await HistoryAsync();

        Assert.Equal("2024-12-31", events["ch-1"]["termEndDate"]!.GetValue<string>());
        Assert.Equal("2025-05-31", events["ch-4"]["termEndDate"]!.GetValue<string>());
        Assert.True(events["ch-2"].AsObject().ContainsKey("termEndDate"));
        Assert.Null(events["ch-2"]["termEndDate"]);
        Assert.Null(events["ch-5"]["termEndDate"]);
    }

    [Fact]
    public async Task before_the_first_event_was_recorded_the_customer_is_not_found()
    {
        var missing = (await app.GetAsync($"/api/v1/customers/hist/events?knownAt={At(First - Duration.FromSeconds(1))}"))
            .ShouldBe(HttpStatusCode.NotFound);

        Assert.NotNull(missing["errors"]["customerId"]);
    }

    [Theory]
    [InlineData("knownAt=yesterday", "knownAt")]
    [InlineData("knownAt=1969-12-31T23:59:59Z", "knownAt")]
    [InlineData("knownAt=", "knownAt")]
    [InlineData("asOf=2024-12-31", "asOf")]
    public async Task a_bad_or_unknown_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var refused = (await app.GetAsync($"/api/v1/customers/hist/events?{query}")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.NotNull(refused["errors"][parameter]);
    }
}
