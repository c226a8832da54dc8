using System.Net;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// A customer's timeline: signed, upsold, renewed at the same price, downsold and churned, then reactivated, each step
/// worked out by hand; later a downsell backdated into the first year, and then a void of the upsell.
/// </summary>
public class CustomerTimelineTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private static readonly Instant First = MetricsApp.Start + Duration.FromDays(10);
    private static readonly Instant Second = First + Duration.FromDays(1);
    private static readonly Instant Backdated = First + Duration.FromDays(2);
    private static readonly Instant VoidRecorded = First + Duration.FromDays(3);

    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAtAsync(First, Batch(
            Signed("tl-1", "tl", "tl-c1", "2024-01-01", 10_000),
            Upsold("tl-2", "tl", "tl-c1", "2024-03-01", 2_000),
            Renewed("tl-3", "tl", "tl-c1", "2024-06-01", 12_000, "2025-05-31"),
            Downsold("tl-4", "tl", "tl-c1", "2024-09-01", 3_000),
            Churned("tl-5", "tl", "tl-c1", "2024-12-01")))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Second, Signed("tl-6", "tl", "tl-c2", "2025-02-01", 5_000))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Backdated, Downsold("tl-7", "tl", "tl-c1", "2024-04-01", 1_000))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(VoidRecorded, Voided("tl-8", "tl-2"))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(VoidRecorded + Duration.FromDays(1));
    });

    public Task DisposeAsync() => Task.CompletedTask;

    private static string At(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private async Task<Reply> TimelineAsync(string query = "") =>
        (await app.GetAsync($"/api/v1/customers/tl/timeline{query}")).ShouldBe(HttpStatusCode.OK);

    private static (string, decimal, decimal, string?) Day(JsonNode day) =>
        (day["date"]!.GetValue<string>(), day["arrBefore"]!.GetValue<decimal>(), day["arrAfter"]!.GetValue<decimal>(), day["kind"]?.GetValue<string>());

    private static (decimal, decimal, string?) Figures(JsonNode figures) =>
        (figures["arrBefore"]!.GetValue<decimal>(), figures["arrAfter"]!.GetValue<decimal>(), figures["kind"]?.GetValue<string>());

    private static (string, (decimal, decimal, string?), (decimal, decimal, string?)) Change(JsonNode change) =>
        (change["date"]!.GetValue<string>(), Figures(change["before"]!), Figures(change["after"]!));

    [Fact]
    public async Task every_day_of_the_hand_worked_history_as_known_now()
    {
        var timeline = await TimelineAsync();

        Assert.Equal(
            [
                ("2024-01-01", 0m, 10_000m, "new"),
                ("2024-03-01", 10_000m, 10_000m, null),
                ("2024-04-01", 10_000m, 9_000m, "contraction"),
                ("2024-06-01", 9_000m, 12_000m, "expansion"),
                ("2024-09-01", 12_000m, 9_000m, "contraction"),
                ("2024-12-01", 9_000m, 0m, "churn"),
                ("2025-02-01", 0m, 5_000m, "reactivation"),
            ],
            timeline["days"].AsArray().Select(d => Day(d!)));
        var voidedDay = timeline["days"][1]!;
        Assert.True(voidedDay.AsObject().ContainsKey("kind"));
        var upsell = Assert.Single(voidedDay["events"]!.AsArray())!;
        Assert.Equal(("tl-2", "contract.upsold", "2024-03-01", At(First), "tl-c1", true),
            (upsell["eventId"]!.GetValue<string>(), upsell["type"]!.GetValue<string>(), upsell["effectiveDate"]!.GetValue<string>(),
                upsell["recordedAt"]!.GetValue<string>(), upsell["contractId"]!.GetValue<string>(), upsell["voided"]!.GetValue<bool>()));
        Assert.Equal("USD", timeline["currency"].GetValue<string>());
        Assert.Equal(("1970-01-01", "2199-12-31"), (timeline["from"].GetValue<string>(), timeline["to"].GetValue<string>()));
    }

    [Fact]
    public async Task a_backdated_downsell_is_a_revision_of_its_day_and_of_the_renewal_after_it()
    {
        var revision = (await TimelineAsync())["revisions"][0]!;

        Assert.Equal(At(Backdated), revision["recordedAt"]!.GetValue<string>());
        Assert.Equal(["tl-7"], revision["eventIds"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(
            [
                ("2024-04-01", (12_000m, 12_000m, (string?)null), (12_000m, 11_000m, (string?)"contraction")),
                ("2024-06-01", (12_000m, 12_000m, null), (11_000m, 12_000m, "expansion")),
            ],
            revision["changes"]!.AsArray().Select(c => Change(c!)));
    }

    [Fact]
    public async Task a_void_is_a_revision_of_every_day_it_changes()
    {
        var revisions = (await TimelineAsync())["revisions"].AsArray();

        Assert.Equal(2, revisions.Count);
        Assert.Equal(At(VoidRecorded), revisions[1]!["recordedAt"]!.GetValue<string>());
        Assert.Equal(["tl-8"], revisions[1]!["eventIds"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Equal(
            [
                ("2024-03-01", (10_000m, 12_000m, (string?)"expansion"), (10_000m, 10_000m, (string?)null)),
                ("2024-04-01", (12_000m, 11_000m, "contraction"), (10_000m, 9_000m, "contraction")),
                ("2024-06-01", (11_000m, 12_000m, "expansion"), (9_000m, 12_000m, "expansion")),
            ],
            revisions[1]!["changes"]!.AsArray().Select(c => Change(c!)));
    }

    [Fact]
    public async Task as_known_before_the_backdated_downsell_the_old_belief_shows_and_nothing_was_revised()
    {
        var knownAt = At(Backdated - Duration.FromSeconds(1));
        var timeline = await TimelineAsync($"?knownAt={knownAt}");

        Assert.Equal(knownAt, timeline["knownAt"].GetValue<string>());
        Assert.Equal(
            [
                ("2024-01-01", 0m, 10_000m, "new"),
                ("2024-03-01", 10_000m, 12_000m, "expansion"),
                ("2024-06-01", 12_000m, 12_000m, null),
                ("2024-09-01", 12_000m, 9_000m, "contraction"),
                ("2024-12-01", 9_000m, 0m, "churn"),
                ("2025-02-01", 0m, 5_000m, "reactivation"),
            ],
            timeline["days"].AsArray().Select(d => Day(d!)));
        Assert.Empty(timeline["revisions"].AsArray());
        Assert.Single((await TimelineAsync($"?knownAt={At(Backdated)}"))["revisions"].AsArray());
    }

    [Fact]
    public async Task a_range_lists_its_days_and_only_the_changes_inside_it()
    {
        var timeline = await TimelineAsync("?from=2024-05-01&to=2024-12-31");

        Assert.Equal(["2024-06-01", "2024-09-01", "2024-12-01"], timeline["days"].AsArray().Select(d => d!["date"]!.GetValue<string>()));
        Assert.Equal(9_000m, timeline["days"][0]!["arrBefore"]!.GetValue<decimal>());
        Assert.Equal(
            ["2024-06-01", "2024-06-01"],
            timeline["revisions"].AsArray().Select(r => string.Join(" ", r!["changes"]!.AsArray().Select(c => c!["date"]!.GetValue<string>()))));
    }

    [Fact]
    public async Task an_unknown_customer_or_one_not_yet_recorded_is_a_404()
    {
        var unknown = (await app.GetAsync("/api/v1/customers/nobody/timeline")).ShouldBe(HttpStatusCode.NotFound);
        var early = (await app.GetAsync($"/api/v1/customers/tl/timeline?knownAt={At(First - Duration.FromSeconds(1))}")).ShouldBe(HttpStatusCode.NotFound);

        Assert.Equal("application/problem+json", unknown.ContentType);
        Assert.NotNull(unknown["errors"]["customerId"]);
        Assert.NotNull(early["errors"]["customerId"]);
    }

    [Theory]
    [InlineData("asOf=2024-12-31", "asOf")]
    [InlineData("from=2024-12-31&to=2024-01-01", "to")]
    [InlineData("from=2024-02-30", "from")]
    [InlineData("to=2200-01-01", "to")]
    [InlineData("knownAt=yesterday", "knownAt")]
    [InlineData("knownAt=", "knownAt")]
    [InlineData("from=2024-01-01&from=2024-02-01", "from")]
    public async Task a_bad_or_unknown_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var refused = (await app.GetAsync($"/api/v1/customers/tl/timeline?{query}")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.NotNull(refused["errors"][parameter]);
    }
}
