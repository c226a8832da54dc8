using System.Net;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// NPS, CSAT and health worked through by hand (docs/metrics.md): two customers answering surveys in March and April
/// 2025, one of whose answers is voided later; a third customer with usage, touches, risks and a downsell.
/// </summary>
public class SignalsTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private static readonly Instant First = MetricsApp.Start + Duration.FromDays(1);
    private static readonly Instant Voided = MetricsApp.Start + Duration.FromDays(2);
    private static readonly string BeforeVoid = InstantPattern.ExtendedIso.Format(Voided - Duration.FromHours(1));

    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAtAsync(First, Batch(
            Signed("sg-1", "sg-a", "sg-a1", "2025-01-05", 20_000),
            Signed("sg-2", "sg-b", "sg-b1", "2025-01-06", 50_000, "enterprise"),
            Assigned("sg-3", "sg-b", "2025-01-06", "lee", "high"),
            Nps("sg-4", "sg-a", "2025-03-01", "a-1", 10),
            Nps("sg-5", "sg-a", "2025-03-20", "a-1", 6),
            Nps("sg-6", "sg-a", "2025-03-02", "a-2", 9),
            Nps("sg-7", "sg-b", "2025-03-03", "b-1", 8),
            Nps("sg-8", "sg-b", "2025-03-04", "b-2", 3),
            Nps("sg-9", "sg-b", "2025-03-05", "b-3", 10),
            Nps("sg-10", "sg-a", "2025-04-05", "a-2", 7),
            Csat("sg-11", "sg-a", "2025-03-10", "a-1", 5, "1-5"),
            Csat("sg-12", "sg-a", "2025-03-11", "a-2", 3, "1-5"),
            Csat("sg-13", "sg-b", "2025-03-12", "b-1", 85, "1-100", "ticket-1"),
            Csat("sg-14", "sg-b", "2025-03-13", "b-1", 40, "1-100", "ticket-2"),
            Signed("h-1", "sg-c", "sg-c1", "2025-01-10", 10_000),
            Assigned("h-2", "sg-c", "2025-01-10", "dana", "high"),
            Usage("h-3", "sg-c", "2025-02-15", 100, 85),
            Usage("h-4", "sg-c", "2025-06-01", 100, 60),
            Engagement("h-5", "sg-c", "2025-05-16", "check_in"),
            Nps("h-6", "sg-c", "2025-04-01", "c-1", 9),
            Csat("h-7", "sg-c", "2025-06-10", "c-2", 4, "1-5"),
            RiskFlagged("h-8", "sg-c", "2025-05-01", "champion_left", "high"),
            RiskFlagged("h-9", "sg-c", "2025-05-02", "low_usage", "medium"),
            RiskCleared("h-10", "sg-c", "2025-06-01", "low_usage"),
            Downsold("h-11", "sg-c", "sg-c1", "2025-06-15", 1_000)))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Voided, Batch(Events.Voided("sg-15", "sg-9"), Events.Voided("h-12", "h-8")))).ShouldBe(HttpStatusCode.OK);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    private static (int Responses, int Promoters, int Passives, int Detractors, decimal? Nps) Counts(JsonNode n) =>
        (n["responses"]!.GetValue<int>(), n["promoters"]!.GetValue<int>(), n["passives"]!.GetValue<int>(), n["detractors"]!.GetValue<int>(),
         n["nps"]?.GetValue<decimal>());

    [Fact]
    public async Task nps_counts_each_respondents_latest_answer_once_and_a_void_takes_an_answer_out_from_its_recording()
    {
        // a-1 10 then 6 (detractor), a-2 9 (promoter), b-1 8 (passive), b-2 3 (detractor), b-3 10 (promoter, voided later).
        var before = (await app.GetAsync($"/api/v1/signals/nps?from=2025-03-01&to=2025-03-31&knownAt={BeforeVoid}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((5, 2, 1, 2, 0m), Counts(before.Body!));

        var now = (await app.GetAsync("/api/v1/signals/nps?from=2025-03-01&to=2025-03-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((4, 1, 1, 2, -25m), Counts(now.Body!));

        var groups = now["groups"].AsArray().ToDictionary(g => (g!["dimension"]!.GetValue<string>(), g["value"]?.GetValue<string>()), g => Counts(g!));
        Assert.Equal((2, 1, 0, 1, 0m), groups[("csm", "dana")]);
        Assert.Equal((2, 0, 1, 1, -50m), groups[("csm", "lee")]);
        Assert.Equal((2, 0, 1, 1, -50m), groups[("segment", "enterprise")]);
        Assert.Equal((2, 0, 1, 1, -50m), groups[("touchModel", "high")]);
        Assert.Equal((2, 1, 0, 1, 0m), groups[("touchModel", null)]);

        var enterprise = (await app.GetAsync("/api/v1/signals/nps?from=2025-03-01&to=2025-03-31&segment=enterprise")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((2, 0, 1, 1, -50m), Counts(enterprise.Body!));
        var lee = (await app.GetAsync("/api/v1/signals/nps?from=2025-03-01&to=2025-03-31&csm=lee&touchModel=high")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((2, 0, 1, 1, -50m), Counts(lee.Body!));
    }

    [Fact]
    public async Task the_monthly_series_counts_each_month_apart_and_the_period_counts_the_latest_answer_across_it()
    {
        var reply = (await app.GetAsync("/api/v1/signals/nps?from=2025-03-01&to=2025-04-30")).ShouldBe(HttpStatusCode.OK);
        // a-2 answered 9 in March and 7 in April: across both months only the 7 counts; c-1 answered 9 in April.
        Assert.Equal((5, 1, 2, 2, -20m), Counts(reply.Body!));
        var series = reply["series"].AsArray();
        Assert.Equal(["2025-03-01", "2025-04-01"], series.Select(p => p!["from"]!.GetValue<string>()));
        Assert.Equal((4, 1, 1, 2, -25m), Counts(series[0]!));
        Assert.Equal((2, 1, 1, 0, 50m), Counts(series[1]!));
    }

    [Fact]
    public async Task nps_without_answers_is_null_and_its_csv_lists_every_answer_counted()
    {
        var empty = (await app.GetAsync("/api/v1/signals/nps?from=2024-01-01&to=2024-12-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Contains("\"nps\":null", empty.Text, StringComparison.Ordinal);
        Assert.Equal(0, empty["responses"].GetValue<int>());

        var csv = await CsvReply.GetAsync(app, "/api/v1/signals/nps?from=2025-03-01&to=2025-03-31&format=csv");
        Assert.Equal(["sg-5", "sg-6", "sg-7", "sg-8"], csv.Rows.Select(r => r["eventId"]).Order(StringComparer.Ordinal));
        Assert.Equal("detractor", csv.Rows.Single(r => r["eventId"] == "sg-5")["class"]);
    }

    [Fact]
    public async Task csat_is_the_share_of_satisfied_answers_and_the_mean_on_0_to_100_whatever_the_scale()
    {
        var reply = (await app.GetAsync("/api/v1/signals/csat?from=2025-03-01&to=2025-03-31")).ShouldBe(HttpStatusCode.OK);
        // 5 of 1-5 (100, satisfied), 3 of 1-5 (50), 85 of 1-100 (84.85, satisfied), 40 of 1-100 (39.39).
        Assert.Equal(4, reply["responses"].GetValue<int>());
        Assert.Equal(2, reply["satisfied"].GetValue<int>());
        Assert.Equal(50m, reply.Decimal("csat"));
        Assert.Equal(Math.Round((100m + 50m + 84m * 100m / 99m + 39m * 100m / 99m) / 4m, 2), reply.Decimal("meanScore"));

        var ticket = (await app.GetAsync("/api/v1/signals/csat?from=2025-03-01&to=2025-03-31&topic=ticket-1")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((1, 100m), (ticket["responses"].GetValue<int>(), ticket.Decimal("csat")));
        var byTopic = reply["groups"].AsArray().Where(g => g!["dimension"]!.GetValue<string>() == "topic")
            .ToDictionary(g => g!["value"]?.GetValue<string>() ?? "", g => g!["responses"]!.GetValue<int>());
        Assert.Equal(new Dictionary<string, int> { ["ticket-1"] = 1, ["ticket-2"] = 1, [""] = 2 }, byTopic);
    }

    [Fact]
    public async Task csat_groups_the_hundred_topics_answered_most_and_counts_every_answer()
    {
        var answers = Enumerable.Range(0, 105).Select(i => Csat($"tp-{i}", "sg-a", "2026-02-10", "a-1", 5, "1-5", $"ticket-{i:D3}"))
            .Append(Csat("tp-105", "sg-a", "2026-02-11", "a-1", 1, "1-5", "ticket-104"));
        (await app.PostEventsAsync(Batch([.. answers]))).ShouldBe(HttpStatusCode.OK);

        var reply = (await app.GetAsync("/api/v1/signals/csat?from=2026-02-01&to=2026-02-28")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(106, reply["responses"].GetValue<int>());
        var topics = reply["groups"].AsArray().Where(g => g!["dimension"]!.GetValue<string>() == "topic")
            .Select(g => g!["value"]!.GetValue<string>()).ToList();
        Assert.Equal(100, topics.Count);
        Assert.Equal(topics.Order(StringComparer.Ordinal), topics);
        // ticket-104 has two answers; of the rest, answered once each, the first 99 by name.
        Assert.Equal(("ticket-000", "ticket-098", "ticket-104"), (topics[0], topics[^2], topics[^1]));
    }

    private static Dictionary<string, (decimal? Value, decimal? Score, decimal Contribution)> Inputs(Reply reply) =>
        reply["inputs"].AsArray().ToDictionary(i => i!["name"]!.GetValue<string>(),
            i => (i!["value"]?.GetValue<decimal>(), i["score"]?.GetValue<decimal>(), i["contribution"]!.GetValue<decimal>()));

    [Fact]
    public async Task health_is_the_weighted_mean_of_its_inputs_and_names_each_contribution()
    {
        var reply = (await app.GetAsync($"/api/v1/customers/sg-c/health?asOf=2025-06-30&knownAt={BeforeVoid}")).ShouldBe(HttpStatusCode.OK);
        var inputs = Inputs(reply);
        // Adoption 60 of 100 seats against a target of 0.8: 75. Last touch 45 days before, high touch (30 days): 50.
        // Satisfaction: NPS 9 (90) and CSAT 4 of 1-5 (75): 82.5. Risk: champion_left (high, 50) open, low_usage cleared: 50.
        // ARR trend: 9,000 against 10,000 90 days before: 0.9, scoring 80. Weights 30/20/20/15/15.
        Assert.Equal((0.6m, 75m, 22.5m), inputs["adoption"]);
        Assert.Equal((45m, 50m, 10m), inputs["engagement"]);
        Assert.Equal((82.5m, 82.5m, 16.5m), inputs["satisfaction"]);
        Assert.Equal((1m, 50m, 7.5m), inputs["risk"]);
        Assert.Equal((0.9m, 80m, 12m), inputs["arrTrend"]);
        Assert.Equal((68.5m, "yellow"), (reply.Decimal("score"), reply["band"].GetValue<string>()));
        Assert.Equal(["champion_left"], reply["openRisks"].AsArray().Select(r => r!["factor"]!.GetValue<string>()));
        Assert.Equal(("dana", "high", "smb"), (reply["csm"].GetValue<string>(), reply["touchModel"].GetValue<string>(), reply["segment"].GetValue<string>()));

        // Signed 2025-01-10, adoption of 0.85 reached on 2025-02-15: 36 days, within the 90 of onboarding.
        Assert.Equal("adopted", reply["lifecycleStage"].GetValue<string>());
        var ttv = reply["timeToValue"];
        Assert.Equal(("2025-01-10", "2025-02-15", 36, true), (ttv["firstSigned"]!.GetValue<string>(), ttv["adoptedOn"]!.GetValue<string>(),
            ttv["days"]!.GetValue<int>(), ttv["onboardedInTime"]!.GetValue<bool>()));
        // The score at the end of each earlier month since the customer was first seen, latest first.
        Assert.Equal(["2025-05-31", "2025-04-30", "2025-03-31", "2025-02-28", "2025-01-31"],
            reply["history"].AsArray().Select(p => p!["date"]!.GetValue<string>()));
    }

    [Fact]
    public async Task a_voided_risk_flag_raises_the_score_from_the_instant_of_the_void_only()
    {
        var now = (await app.GetAsync("/api/v1/customers/sg-c/health?asOf=2025-06-30")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((0m, 100m, 15m), Inputs(now)["risk"]);
        Assert.Equal((76m, "green"), (now.Decimal("score"), now["band"].GetValue<string>()));

        var again = (await app.GetAsync($"/api/v1/customers/sg-c/health?asOf=2025-06-30&knownAt={BeforeVoid}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(68.5m, again.Decimal("score"));
    }

    [Fact]
    public async Task the_lifecycle_stage_follows_signing_adoption_and_the_term_end()
    {
        async Task<string> Stage(string asOf) =>
            (await app.GetAsync($"/api/v1/customers/sg-c/health?asOf={asOf}")).ShouldBe(HttpStatusCode.OK)["lifecycleStage"].GetValue<string>();

        Assert.Equal("prospect", await Stage("2025-01-09"));
        Assert.Equal("onboarding", await Stage("2025-02-01"));
        Assert.Equal("adopted", await Stage("2025-02-15"));
        Assert.Equal("renewal", await Stage("2025-10-15"));
        Assert.Equal(HttpStatusCode.NotFound, (await app.GetAsync("/api/v1/customers/nobody/health")).Status);
    }

    [Fact]
    public async Task health_scores_list_the_active_customers_lowest_first_with_bands_by_segment_and_csm()
    {
        var reply = (await app.GetAsync("/api/v1/health-scores?asOf=2025-06-30")).ShouldBe(HttpStatusCode.OK);
        var customers = reply["customers"].AsArray();
        Assert.Equal(["sg-a", "sg-b", "sg-c"], customers.Select(c => c!["customerId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var scores = customers.Select(c => c!["score"]!.GetValue<decimal>()).ToList();
        Assert.Equal(scores.Order(), scores);
        var distribution = reply["distribution"];
        Assert.Equal(3, distribution["customers"]!.GetValue<int>());
        Assert.Equal(3, distribution["red"]!.GetValue<int>() + distribution["yellow"]!.GetValue<int>() + distribution["green"]!.GetValue<int>());

        foreach (var c in customers)
        {
            var one = (await app.GetAsync($"/api/v1/customers/{c!["customerId"]!.GetValue<string>()}/health?asOf=2025-06-30")).ShouldBe(HttpStatusCode.OK);
            Assert.Equal((one.Decimal("score"), one["band"].GetValue<string>()), (c["score"]!.GetValue<decimal>(), c["band"]!.GetValue<string>()));
        }

        var byCsm = reply["byCsm"].AsArray().ToDictionary(g => g!["csm"]!.GetValue<string>(), g => g!["customers"]!.GetValue<int>());
        Assert.Equal(new Dictionary<string, int> { ["dana"] = 2, ["lee"] = 1 }, byCsm);
        var green = (await app.GetAsync("/api/v1/health-scores?asOf=2025-06-30&band=green&csm=dana")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["sg-c"], green["customers"].AsArray().Select(c => c!["customerId"]!.GetValue<string>()));

        var csv = await CsvReply.GetAsync(app, "/api/v1/health-scores?asOf=2025-06-30&format=csv");
        Assert.Equal(customers.Select(c => c!["customerId"]!.GetValue<string>()), csv.Rows.Select(r => r["customerId"]));
    }

    [Fact]
    public async Task the_bands_over_time_are_each_month_ends_distribution_ending_with_the_one_asked_for()
    {
        var reply = (await app.GetAsync("/api/v1/health-scores?asOf=2025-06-30&interval=month")).ShouldBe(HttpStatusCode.OK);
        var series = reply["series"].AsArray();
        Assert.Equal(12, series.Count);
        Assert.Equal(("2024-07-31", "2025-06-30"), (series[0]!["date"]!.GetValue<string>(), series[^1]!["date"]!.GetValue<string>()));
        Assert.Equal(reply["distribution"].ToJsonString(), series[^1]!["distribution"]!.ToJsonString());
        Assert.Equal(0, series[0]!["distribution"]!["customers"]!.GetValue<int>());
        foreach (var point in series.Skip(6))
        {
            var date = point!["date"]!.GetValue<string>();
            var alone = (await app.GetAsync($"/api/v1/health-scores?asOf={date}")).ShouldBe(HttpStatusCode.OK);
            Assert.Equal(alone["distribution"].ToJsonString(), point["distribution"]!.ToJsonString());
        }

        Assert.Empty((await app.GetAsync("/api/v1/health-scores?asOf=2025-06-30")).ShouldBe(HttpStatusCode.OK)["series"].AsArray());
        (await app.GetAsync("/api/v1/health-scores?asOf=2025-06-30&interval=day")).ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task a_replay_of_the_log_gives_the_same_signal_table_and_the_event_log_names_each_signals_customer()
    {
        var verify = await app.ExecuteHostCommandAsync("replay", "verify");
        Assert.True(verify.Code == 0, verify.Error + verify.Output);

        var log = await CsvReply.GetAsync(app, "/api/v1/audit/events?format=csv");
        var nps = log.Rows.Single(r => r["eventId"] == "sg-5");
        Assert.Equal(("survey.nps_answered", "sg-a", "2025-03-20"), (nps["type"], nps["customerId"], nps["effectiveDate"]));
    }

    [Fact]
    public async Task signal_events_are_idempotent_voidable_and_refused_when_changed_under_the_same_id()
    {
        var resend = (await app.PostEventsAsync(Nps("sg-4", "sg-a", "2025-03-01", "a-1", 10))).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("duplicate", resend["results"][0]!["status"]!.GetValue<string>());
        (await app.PostEventsAsync(Nps("sg-4", "sg-a", "2025-03-01", "a-1", 9))).ShouldBe(HttpStatusCode.Conflict);
        (await app.PostEventsAsync(Events.Voided("sg-16", "sg-9"))).ShouldBe(HttpStatusCode.UnprocessableEntity);
    }
}
