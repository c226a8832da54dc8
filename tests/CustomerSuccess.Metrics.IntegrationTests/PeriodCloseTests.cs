using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// March 2024 is closed, then corrected twice after its close: a backdated downsell and a void of an upsell, then
/// retention spend for the month recorded late. Each restatement is seen in the month's view and in the list of
/// restatements with the event that caused it, the reported figures never change, and a reopening lets it close again.
/// </summary>
public class PeriodCloseTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private const string March = "/api/v1/periods/2024-03";

    private static readonly Instant Seeded = MetricsApp.Start + Duration.FromDays(1);
    private static readonly Instant Closing = MetricsApp.Start + Duration.FromDays(2);
    private static readonly Instant Downsell = MetricsApp.Start + Duration.FromDays(3);
    private static readonly Instant Void = MetricsApp.Start + Duration.FromDays(4);
    private static readonly Instant LateSpend = MetricsApp.Start + Duration.FromDays(5);
    private static readonly Instant Reopening = MetricsApp.Start + Duration.FromDays(6);

    /// <summary>What each step answered, by step, so that every fact checks the same recorded history.</summary>
    private static readonly Dictionary<string, Reply> Steps = [];

    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAtAsync(Seeded, Batch(
            Signed("pc-1", "pc-a", "pc-a1", "2024-01-01", 12_000),
            Signed("pc-2", "pc-b", "pc-b1", "2024-01-15", 6_000),
            Signed("pc-3", "pc-c", "pc-c1", "2023-02-01", 24_000),
            Upsold("pc-4", "pc-a", "pc-a1", "2024-03-05", 3_000),
            Churned("pc-5", "pc-b", "pc-b1", "2024-03-20"),
            RetentionCost("pc-6", "2024-03-10", "tooling", 900)))).ShouldBe(HttpStatusCode.OK);

        app.Clock.Reset(Closing);
        Steps["close"] = await app.PostAsync($"{March}/close");
        app.Clock.Reset(Closing + Duration.FromHours(1));
        Steps["close again"] = await app.PostAsync($"{March}/close");

        (await app.PostEventsAtAsync(Downsell, Downsold("pc-7", "pc-c", "pc-c1", "2024-03-10", 4_000))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(Downsell + Duration.FromHours(1));
        Steps["after downsell"] = await app.GetAsync(March);
        Steps["close after downsell"] = await app.PostAsync($"{March}/close");

        (await app.PostEventsAtAsync(Void, Voided("pc-8", "pc-4"))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(LateSpend, RetentionCost("pc-9", "2024-03-25", "cs_team", 600))).ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(LateSpend + Duration.FromHours(1));
        Steps["after void and spend"] = await app.GetAsync(March);

        app.Clock.Reset(Reopening);
        Steps["reopen"] = await app.PostAsync($"{March}/reopen");
        Steps["reopen again"] = await app.PostAsync($"{March}/reopen");
        Steps["close after reopen"] = await app.PostAsync($"{March}/close");
        app.Clock.Reset(Reopening + Duration.FromHours(1));
    });

    public Task DisposeAsync() => Task.CompletedTask;

    private static string At(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    private static Instant InstantOf(JsonNode node) => InstantPattern.ExtendedIso.Parse(node.GetValue<string>()).Value;

    private static Dictionary<string, string[]> Differences(Reply reply) =>
        reply["differences"].AsArray().ToDictionary(
            d => d!["figure"]!.GetValue<string>(),
            d => d!["eventIds"]!.AsArray().Select(e => e!.GetValue<string>()).ToArray());

    [Fact]
    public async Task a_close_records_the_figures_published_for_the_month_as_known_at_its_close()
    {
        var close = Steps["close"].ShouldBe(HttpStatusCode.Created);
        Assert.Equal(("2024-03", "closed", MetricsApp.AdminKeyName), (close["period"].GetValue<string>(), close["status"].GetValue<string>(),
            close["closedBy"].GetValue<string>()));
        var knownAt = InstantOf(close["knownAt"]);
        Assert.True(knownAt < InstantOf(close["closedAt"]), close.Text);
        Assert.True(JsonNode.DeepEquals(close["reported"], close["current"]), close.Text);
        Assert.Empty(close["differences"].AsArray());

        var reported = close["reported"];
        Assert.Equal((42_000m, 3_000m, 6_000m, 39_000m, 2), (reported["openingArr"]!.GetValue<decimal>(), reported["expansionArr"]!.GetValue<decimal>(),
            reported["churnArr"]!.GetValue<decimal>(), reported["closingArr"]!.GetValue<decimal>(), reported["activeCustomers"]!.GetValue<int>()));

        // The same figures as the published endpoints give for the month at the close's knownAt.
        var bridge = (await app.GetAsync($"/api/v1/metrics/bridge?from=2024-03-01&to=2024-03-31&knownAt={At(knownAt)}")).ShouldBe(HttpStatusCode.OK);
        var summary = bridge.Body!["summary"] ?? bridge.Body;
        foreach (var figure in (string[])["openingArr", "newArr", "reactivationArr", "expansionArr", "contractionArr", "churnArr", "closingArr"])
        {
            Assert.Equal(summary[figure]!.GetValue<decimal>(), reported[figure]!.GetValue<decimal>());
        }

        var retention = (await app.GetAsync($"/api/v1/metrics/retention?asOf=2024-03-31&knownAt={At(knownAt)}")).ShouldBe(HttpStatusCode.OK);
        foreach (var figure in (string[])["grossRenewalRate", "netRenewalRate", "logoRetention"])
        {
            Assert.Equal(retention[figure].GetValue<decimal>(), reported[figure]!.GetValue<decimal>());
        }

        var cost = (await app.GetAsync($"/api/v1/metrics/cost-of-retention?from=2024-03-01&to=2024-03-31&knownAt={At(knownAt)}"))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal(cost["costOfRetention"].GetValue<decimal>(), reported["costOfRetention"]!.GetValue<decimal>());
        Assert.Equal(900m, reported["retentionCost"]!.GetValue<decimal>());
    }

    [Fact]
    public void closing_again_while_nothing_changed_answers_the_same_close_and_records_nothing()
    {
        var again = Steps["close again"].ShouldBe(HttpStatusCode.OK);
        Assert.Equal(Steps["close"]["closedAt"].GetValue<string>(), again["closedAt"].GetValue<string>());
        Assert.Single(again["history"].AsArray());
        Assert.True(JsonNode.DeepEquals(Steps["close"]["reported"], again["reported"]));
    }

    [Fact]
    public void a_backdated_downsell_is_a_restatement_caused_by_that_event_and_closing_again_is_refused()
    {
        var view = Steps["after downsell"].ShouldBe(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(Steps["close"]["reported"], view["reported"]), view.Text);
        Assert.Equal(35_000m, view["current"]["closingArr"]!.GetValue<decimal>());
        var differences = Differences(view);
        Assert.Equal(["contractionArr", "closingArr", "grossRenewalRate", "netRenewalRate"], differences.Keys);
        Assert.All(differences.Values, ids => Assert.Equal(["pc-7"], ids));
        var closing = view["differences"].AsArray().Single(d => d!["figure"]!.GetValue<string>() == "closingArr")!;
        Assert.Equal((39_000m, 35_000m), (closing["reported"]!.GetValue<decimal>(), closing["current"]!.GetValue<decimal>()));

        var refused = Steps["close after downsell"].ShouldBe(HttpStatusCode.Conflict);
        Assert.Contains("GET /api/v1/periods/2024-03", refused["detail"].GetValue<string>());
        Assert.Contains("/reopen", refused["detail"].GetValue<string>());
    }

    [Fact]
    public void a_void_and_late_spend_are_restatements_caused_by_their_events_and_the_reported_figures_never_change()
    {
        var view = Steps["after void and spend"].ShouldBe(HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(Steps["close"]["reported"], view["reported"]), view.Text);
        var differences = Differences(view);
        Assert.Equal(["pc-8"], differences["expansionArr"]);
        Assert.Equal(["pc-7", "pc-8"], differences["closingArr"]);
        Assert.Equal(["pc-7"], differences["contractionArr"]);
        Assert.Equal(["pc-9"], differences["retentionCost"]);
        Assert.Equal(["pc-9"], differences["costOfRetention"]);
        Assert.Equal(32_000m, view["current"]["closingArr"]!.GetValue<decimal>());
        Assert.Equal(1_500m, view["current"]["retentionCost"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task the_month_as_known_before_a_correction_shows_no_difference()
    {
        var view = (await app.GetAsync($"{March}?knownAt={At(Downsell - Duration.FromHours(1))}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("closed", view["status"].GetValue<string>());
        Assert.True(JsonNode.DeepEquals(view["reported"], view["current"]), view.Text);
        Assert.Empty(view["differences"].AsArray());

        var beforeClose = (await app.GetAsync($"{March}?knownAt={At(Closing - Duration.FromHours(1))}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("open", beforeClose["status"].GetValue<string>());
        Assert.Null(beforeClose.Body!["reported"]);
        Assert.Null(beforeClose.Body["closedAt"]);
        Assert.Empty(beforeClose["history"].AsArray());
    }

    [Fact]
    public async Task the_restatements_list_shows_each_change_between_two_knowledge_instants_with_its_causing_events()
    {
        // From before the close: compared with what was reported, up to just after the downsell.
        var first = (await app.GetAsync($"/api/v1/audit/restatements?since={At(Seeded)}&until={At(Downsell + Duration.FromMinutes(1))}"))
            .ShouldBe(HttpStatusCode.OK);
        var period = Assert.Single(first["periods"].AsArray())!;
        Assert.Equal("2024-03", period["period"]!.GetValue<string>());
        Assert.Equal(Steps["close"]["knownAt"].GetValue<string>(), period["comparedFrom"]!.GetValue<string>());
        Assert.All(period["differences"]!.AsArray(), d => Assert.Equal(["pc-7"], d!["eventIds"]!.AsArray().Select(e => e!.GetValue<string>())));

        // Only what the void changed, from after the downsell to after the void.
        var second = (await app.GetAsync($"/api/v1/audit/restatements?since={At(Downsell + Duration.FromMinutes(1))}&until={At(Void + Duration.FromMinutes(1))}"))
            .ShouldBe(HttpStatusCode.OK);
        var changes = Assert.Single(second["periods"].AsArray())!["differences"]!.AsArray()
            .ToDictionary(d => d!["figure"]!.GetValue<string>(), d => d!["eventIds"]!.AsArray().Select(e => e!.GetValue<string>()).ToArray());
        Assert.Equal(["expansionArr", "closingArr"], changes.Keys);
        Assert.All(changes.Values, ids => Assert.Equal(["pc-8"], ids));

        var quiet = (await app.GetAsync($"/api/v1/audit/restatements?since={At(Seeded)}&until={At(Downsell - Duration.FromMinutes(1))}"))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Empty(quiet["periods"].AsArray());
    }

    [Fact]
    public async Task a_reopening_is_recorded_and_lets_the_month_close_again_with_the_figures_known_now()
    {
        var reopened = Steps["reopen"].ShouldBe(HttpStatusCode.OK);
        Assert.Equal("reopened", reopened["status"].GetValue<string>());
        Assert.Equal(["closed", "reopened"], reopened["history"].AsArray().Select(h => h!["action"]!.GetValue<string>()));
        Steps["reopen again"].ShouldBe(HttpStatusCode.Conflict);

        var closed = Steps["close after reopen"].ShouldBe(HttpStatusCode.Created);
        Assert.Equal(["closed", "reopened", "closed"], closed["history"].AsArray().Select(h => h!["action"]!.GetValue<string>()));
        Assert.Equal(32_000m, closed["reported"]["closingArr"]!.GetValue<decimal>());
        Assert.Empty(closed["differences"].AsArray());
        // The first close stays in the history with what it was known at.
        Assert.Equal(Steps["close"]["knownAt"].GetValue<string>(), closed["history"][0]!["knownAt"]!.GetValue<string>());

        var since = (await app.GetAsync($"/api/v1/audit/restatements?since={At(Seeded)}")).ShouldBe(HttpStatusCode.OK);
        Assert.Empty(since["periods"].AsArray());

        // Closes and reopenings are events of the log: a replay of it gives the same read models and figures.
        var verify = await app.ExecuteHostCommandAsync("replay", "verify");
        Assert.True(verify.Code == 0, verify.Error + verify.Output);
    }

    [Theory]
    [InlineData("/api/v1/periods/2024-13", "period")]
    [InlineData("/api/v1/periods/2024-3", "period")]
    [InlineData("/api/v1/periods/1969-12", "period")]
    [InlineData("/api/v1/periods/2200-01", "period")]
    [InlineData("/api/v1/periods/2024-03-01", "period")]
    [InlineData("/api/v1/periods/2024-03?asOf=2024-03-31", "asOf")]
    [InlineData("/api/v1/audit/restatements", "since")]
    [InlineData("/api/v1/audit/restatements?since=yesterday", "since")]
    [InlineData("/api/v1/audit/restatements?since=2025-01-02T00:00:00Z&until=2025-01-01T00:00:00Z", "until")]
    [InlineData("/api/v1/audit/restatements?since=3000-01-01T00:00:00Z", "since")]
    public async Task bad_reads_are_refused_naming_the_field(string path, string field)
    {
        var reply = (await app.GetAsync(path)).ShouldBe(HttpStatusCode.BadRequest);
        Assert.NotNull(reply["errors"][field]);
    }

    [Fact]
    public async Task a_month_not_yet_ended_a_body_or_a_query_parameter_is_refused_and_nothing_is_recorded()
    {
        var notEnded = (await app.PostAsync("/api/v1/periods/2025-01/close")).ShouldBe(HttpStatusCode.Conflict);
        Assert.NotNull(notEnded["errors"]["period"]);
        (await app.PostAsync("/api/v1/periods/2024-02/reopen")).ShouldBe(HttpStatusCode.Conflict);
        (await app.PostAsync("/api/v1/periods/2024-02/close?knownAt=2025-01-01T00:00:00Z")).ShouldBe(HttpStatusCode.BadRequest);
        (await app.PostAsync("/api/v1/periods/2024-00/close")).ShouldBe(HttpStatusCode.BadRequest);

        using var client = app.CreateClient();
        using var body = await client.PostAsync("/api/v1/periods/2024-02/close", new StringContent("{\"knownAt\":null}", Encoding.UTF8, "application/json"));
        Assert.NotNull((await Reply.ReadAsync(body)).ShouldBe(HttpStatusCode.BadRequest)["errors"]["body"]);

        var february = (await app.GetAsync("/api/v1/periods/2024-02")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("open", february["status"].GetValue<string>());
        Assert.Empty(february["history"].AsArray());
        Assert.Empty((await app.GetAsync("/api/v1/periods/2025-01")).ShouldBe(HttpStatusCode.OK)["history"].AsArray());
    }
}
