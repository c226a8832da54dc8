using System.Net;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>Total ARR over the whole book; this class owns its schema, so totals are exact.</summary>
public class TotalArrTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private static Instant At(string iso) => InstantPattern.ExtendedIso.Parse(iso).Value;

    private static readonly Instant FirstLoad = At("2025-01-05T09:00:00Z");
    private static readonly Instant Correction = At("2025-04-20T09:00:00Z");

    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAtAsync(FirstLoad, Batch(
            Signed("a-1", "a", "a-c1", "2024-01-01", 60_000, "enterprise"),
            Signed("b-1", "b", "b-c1", "2024-01-01", 40_000, "mid_market"),
            Upsold("a-2", "a", "a-c1", "2025-02-01", 10_000),
            Churned("b-2", "b", "b-c1", "2025-03-01"),
            Signed("c-1", "c", "c-c1", "2025-03-10", 20_000, "smb")))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Correction, Downsold("a-3", "a", "a-c1", "2025-03-15", 5_000))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(At("2025-06-01T00:00:00Z"));
    });

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Reply> Arr(string query) => (await app.GetAsync($"/api/v1/arr?{query}")).ShouldBe(HttpStatusCode.OK);

    [Fact]
    public async Task arr_as_of_a_date_sums_every_active_customer()
    {
        var opening = await Arr("asOf=2024-12-31");
        Assert.Equal((100_000m, 8_333.33m, 2), (opening.Decimal("arr"), opening.Decimal("mrr"), opening["activeCustomers"].GetValue<int>()));

        var closing = await Arr("asOf=2025-03-31&knownAt=2025-04-05T00:00:00Z");
        Assert.Equal((90_000m, 2), (closing.Decimal("arr"), closing["activeCustomers"].GetValue<int>()));
        Assert.Equal("2025-03-31", closing["asOf"].GetValue<string>());
        Assert.Equal("2025-04-05T00:00:00Z", closing["knownAt"].GetValue<string>());
        Assert.Equal("USD", closing["currency"].GetValue<string>());
    }

    [Fact]
    public async Task a_backdated_correction_shows_only_as_known_after_it_was_recorded()
    {
        Assert.Equal(90_000m, (await Arr("asOf=2025-03-31&knownAt=2025-04-05T00:00:00Z")).Decimal("arr"));
        Assert.Equal(85_000m, (await Arr("asOf=2025-03-31&knownAt=2025-04-21T00:00:00Z")).Decimal("arr"));
        Assert.Equal(85_000m, (await Arr("asOf=2025-03-31")).Decimal("arr"));
    }

    [Fact]
    public async Task nothing_is_known_before_the_first_event_was_recorded()
    {
        var reply = await Arr("asOf=2025-03-31&knownAt=2025-01-01T00:00:00Z");

        Assert.Equal((0m, 0), (reply.Decimal("arr"), reply["activeCustomers"].GetValue<int>()));
    }

    [Fact]
    public async Task arr_before_any_effective_date_is_zero()
    {
        Assert.Equal(0m, (await Arr("asOf=2023-12-31")).Decimal("arr"));
    }

    [Fact]
    public async Task a_segment_filter_counts_only_that_segment()
    {
        Assert.Equal(60_000m, (await Arr("asOf=2024-12-31&segment=enterprise")).Decimal("arr"));
        Assert.Equal(40_000m, (await Arr("asOf=2024-12-31&segment=mid_market")).Decimal("arr"));
        var empty = await Arr("asOf=2024-12-31&segment=smb");
        Assert.Equal((0m, 0), (empty.Decimal("arr"), empty["activeCustomers"].GetValue<int>()));
        Assert.Equal("smb", empty["segment"].GetValue<string>());
    }

    [Fact]
    public async Task the_default_knownAt_is_echoed_and_reproduces_the_answer()
    {
        var now = await Arr("asOf=2025-03-31");
        var knownAt = now["knownAt"].GetValue<string>();

        var again = await Arr($"asOf=2025-03-31&knownAt={knownAt}");

        Assert.Equal(now.Decimal("arr"), again.Decimal("arr"));
        Assert.True(InstantPattern.ExtendedIso.Parse(knownAt).Value > Correction);
    }

    [Fact]
    public async Task a_future_knownAt_is_answered_as_known_now()
    {
        var reply = await Arr("asOf=2025-03-31&knownAt=2099-01-01T00:00:00Z");

        Assert.True(InstantPattern.ExtendedIso.Parse(reply["knownAt"].GetValue<string>()).Value < At("2099-01-01T00:00:00Z"));
    }
}
