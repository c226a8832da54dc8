using System.Net;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>The instants at which events were recorded, with how many events and customers each.</summary>
public class KnowledgeTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private static readonly Instant First = MetricsApp.Start + Duration.FromDays(5) + Duration.FromTicks(1_234_560);
    private static readonly Instant Second = First + Duration.FromHours(1);
    private static readonly Instant Third = First + Duration.FromHours(2);
    private static readonly Instant Fourth = First + Duration.FromHours(3);

    private static readonly string[] FirstBatch =
    [
        Signed("kn-1", "kn-a", "kn-a1", "2024-01-01", 10_000),
        Upsold("kn-2", "kn-a", "kn-a1", "2024-02-01", 1_000),
        Signed("kn-3", "kn-b", "kn-b1", "2024-01-01", 5_000),
        RetentionCost("kn-4", "2024-03-31", "tooling", 700),
    ];

    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAtAsync(First, Batch(FirstBatch))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Second, Batch(Voided("kn-5", "kn-2"), Voided("kn-6", "kn-4")))).ShouldBe(HttpStatusCode.OK);
        // Only duplicates: nothing is recorded, so no instant.
        (await app.PostEventsAtAsync(Second + Duration.FromMinutes(30), Batch(FirstBatch))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Third, Batch(RetentionCost("kn-7", "2024-06-30", "cs_team", 900)))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Fourth, Batch(
            Churned("kn-8", "kn-b", "kn-b1", "2024-06-01"), Signed("kn-9", "kn-c", "kn-c1", "2024-05-01", 3_000),
            Signed("kn-10", "kn-d", "kn-d1", "2024-05-01", 3_000)))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(Fourth + Duration.FromDays(1));
    });

    public Task DisposeAsync() => Task.CompletedTask;

    private static string At(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private static List<(string, int, int)> Instants(Reply reply) =>
    [
        .. reply["instants"].AsArray().Select(i =>
            (i!["recordedAt"]!.GetValue<string>(), i["events"]!.GetValue<int>(), i["customers"]!.GetValue<int>())),
    ];

    [Fact]
    public async Task every_recording_is_listed_oldest_first_with_its_events_and_customers()
    {
        var reply = (await app.GetAsync("/api/v1/knowledge")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal([(At(First), 4, 2), (At(Second), 2, 1), (At(Third), 1, 0), (At(Fourth), 3, 3)], Instants(reply));
        Assert.Equal(4, reply["total"].GetValue<int>());
        Assert.Null(reply.Body!["from"]);
        Assert.True(InstantPattern.ExtendedIso.Parse(reply["to"].GetValue<string>()).Value > Fourth, reply.Text);
    }

    [Fact]
    public async Task from_and_to_bound_the_instants_inclusively()
    {
        var reply = (await app.GetAsync($"/api/v1/knowledge?from={At(Second)}&to={At(Third)}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal([(At(Second), 2, 1), (At(Third), 1, 0)], Instants(reply));
        Assert.Equal((At(Second), At(Third)), (reply["from"].GetValue<string>(), reply["to"].GetValue<string>()));

        var between = (await app.GetAsync($"/api/v1/knowledge?from={At(First + Duration.FromTicks(10))}&to={At(Second - Duration.FromTicks(10))}"))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Empty(between["instants"].AsArray());
        Assert.Equal(0, between["total"].GetValue<int>());
    }

    [Fact]
    public async Task pages_read_with_limit_and_offset_add_up_to_the_whole_list()
    {
        var whole = Instants((await app.GetAsync("/api/v1/knowledge")).ShouldBe(HttpStatusCode.OK));
        var paged = new List<(string, int, int)>();
        for (var offset = 0; offset < whole.Count; offset += 3)
        {
            var page = (await app.GetAsync($"/api/v1/knowledge?limit=3&offset={offset}")).ShouldBe(HttpStatusCode.OK);
            Assert.Equal((whole.Count, 3, offset), (page["total"].GetValue<int>(), page["limit"].GetValue<int>(), page["offset"].GetValue<int>()));
            paged.AddRange(Instants(page));
        }

        Assert.Equal(whole, paged);
        var beyond = (await app.GetAsync("/api/v1/knowledge?offset=10")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(4, beyond["total"].GetValue<int>());
        Assert.Empty(beyond["instants"].AsArray());
    }

    [Fact]
    public async Task a_to_in_the_future_is_answered_as_now_and_asking_again_with_the_echo_gives_the_same_answer()
    {
        var asked = (await app.GetAsync($"/api/v1/knowledge?to={At(Third)}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(3, asked["total"].GetValue<int>());

        var future = (await app.GetAsync("/api/v1/knowledge?to=9999-12-31T23:59:59Z")).ShouldBe(HttpStatusCode.OK);
        var echoed = future["to"].GetValue<string>();
        Assert.True(InstantPattern.ExtendedIso.Parse(echoed).Value < Instant.FromUtc(9999, 1, 1, 0, 0), future.Text);
        Assert.Equal(4, future["total"].GetValue<int>());
        Assert.Equal(future.Text, (await app.GetAsync($"/api/v1/knowledge?to={echoed}")).ShouldBe(HttpStatusCode.OK).Text);
    }

    [Theory]
    [InlineData("from=2025-01-01", "from")]
    [InlineData("to=yesterday", "to")]
    [InlineData("from=1969-12-31T23:59:59Z", "from")]
    [InlineData("from=", "from")]
    [InlineData("from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z", "to")]
    [InlineData("limit=0", "limit")]
    [InlineData("offset=x", "offset")]
    [InlineData("knownAt=2025-01-01T00:00:00Z", "knownAt")]
    [InlineData("asOf=2025-01-01", "asOf")]
    public async Task a_bad_or_unknown_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var refused = (await app.GetAsync($"/api/v1/knowledge?{query}")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.True(refused["errors"][parameter] is JsonArray, refused.Text);
    }
}
