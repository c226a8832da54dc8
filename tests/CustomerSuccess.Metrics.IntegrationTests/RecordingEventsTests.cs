using System.Net;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

public class RecordingEventsTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private async Task<decimal> ArrOf(string customer, string asOf = "2030-01-01") =>
        (await app.GetAsync($"/api/v1/customers/{customer}?asOf={asOf}")).ShouldBe(HttpStatusCode.OK).Decimal("arr");

    private async Task<int> EventCountOf(string customer) =>
        (await app.GetAsync($"/api/v1/customers/{customer}/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray().Count;

    [Fact]
    public async Task each_event_type_is_recorded_and_moves_arr_as_defined()
    {
        var steps = new (string Event, decimal ArrAfter)[]
        {
            (Signed("each-1", "each", "each-c1", "2024-01-15", 12_000), 12_000),
            (Upsold("each-2", "each", "each-c1", "2024-03-01", 2_500), 14_500),
            (CrossSold("each-3", "each", "each-c2", "2024-06-01", 3_000), 17_500),
            (Downsold("each-4", "each", "each-c1", "2024-09-01", 1_000), 16_500),
            (Renewed("each-5", "each", "each-c1", "2025-01-15", 15_000, "2026-01-14"), 18_000),
            (Churned("each-6", "each", "each-c2", "2025-06-01"), 15_000),
            (Voided("each-7", "each-4"), 15_000),
        };

        foreach (var (json, arrAfter) in steps)
        {
            var reply = (await app.PostEventsAsync(json)).ShouldBe(HttpStatusCode.OK);
            Assert.Equal("appended", reply["results"][0]!["status"]!.GetValue<string>());
            Assert.Equal(arrAfter, await ArrOf("each"));
        }

        Assert.Equal(16_500m + 1_000m, await ArrOf("each", "2024-12-31"));
        (await app.PostEventsAsync(RetentionCost("each-cost", "2024-12-31", "cs_team", 125_000))).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_quarterly_amount_is_recorded_as_annual_arr()
    {
        (await app.PostEventsAsync("""
            {"eventId":"q-1","type":"contract.signed","customerId":"quarterly","contractId":"q-c1","effectiveDate":"2024-01-01","recurringAmount":3000,"periodMonths":3}
            """)).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(12_000m, await ArrOf("quarterly"));
    }

    [Fact]
    public async Task an_identical_resend_is_a_duplicate_and_appends_nothing()
    {
        var batch = Batch(Signed("dup-1", "dup", "dup-c1", "2024-01-15", 10_000), Upsold("dup-2", "dup", "dup-c1", "2024-02-01", 500));
        (await app.PostEventsAsync(batch)).ShouldBe(HttpStatusCode.OK);

        var again = (await app.PostEventsAsync(batch)).ShouldBe(HttpStatusCode.OK);

        Assert.All(again["results"].AsArray(), r => Assert.Equal("duplicate", r!["status"]!.GetValue<string>()));
        Assert.Equal(2, await EventCountOf("dup"));
        Assert.Equal(10_500m, await ArrOf("dup"));
    }

    [Fact]
    public async Task a_resend_mixed_with_new_events_appends_only_the_new_ones()
    {
        (await app.PostEventsAsync(Signed("mix-1", "mix", "mix-c1", "2024-01-15", 10_000))).ShouldBe(HttpStatusCode.OK);

        var reply = (await app.PostEventsAsync(Batch(Signed("mix-1", "mix", "mix-c1", "2024-01-15", 10_000),
            Upsold("mix-2", "mix", "mix-c1", "2024-02-01", 500)))).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(["duplicate", "appended"], reply["results"].AsArray().Select(r => r!["status"]!.GetValue<string>()));
        Assert.Equal(2, await EventCountOf("mix"));
    }

    [Fact]
    public async Task reusing_an_event_id_for_different_content_is_a_conflict()
    {
        (await app.PostEventsAsync(Signed("reuse-1", "reuse", "reuse-c1", "2024-01-15", 10_000))).ShouldBe(HttpStatusCode.OK);

        var reply = (await app.PostEventsAsync(Signed("reuse-1", "reuse", "reuse-c1", "2024-01-15", 11_000)))
            .ShouldBe(HttpStatusCode.Conflict);

        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Equal("reuse-1", reply["eventId"].GetValue<string>());
        Assert.NotNull(reply["errors"]["eventId"]);
        Assert.Equal(10_000m, await ArrOf("reuse"));
    }

    [Fact]
    public async Task concurrent_identical_resends_append_once()
    {
        var batch = Batch(Signed("race-1", "race", "race-c1", "2024-01-15", 10_000), Upsold("race-2", "race", "race-c1", "2024-02-01", 700));

        var replies = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.PostEventsAsync(batch)));

        Assert.All(replies, r => r.ShouldBe(HttpStatusCode.OK));
        var appended = replies.Count(r => r["results"][0]!["status"]!.GetValue<string>() == "appended");
        Assert.Equal(1, appended);
        Assert.Equal(2, await EventCountOf("race"));
        Assert.Equal(10_700m, await ArrOf("race"));
    }

    [Fact]
    public async Task concurrent_writers_to_one_customer_lose_no_update()
    {
        (await app.PostEventsAsync(Signed("many-0", "many", "many-c1", "2024-01-15", 10_000))).ShouldBe(HttpStatusCode.OK);

        var replies = await Task.WhenAll(Enumerable.Range(1, 20)
            .Select(i => app.PostEventsAsync(Upsold($"many-{i}", "many", "many-c1", $"2024-02-{i:00}", i * 10))));

        Assert.All(replies, r => r.ShouldBe(HttpStatusCode.OK));
        Assert.Equal(10_000m + Enumerable.Range(1, 20).Sum(i => i * 10m), await ArrOf("many"));
        Assert.Equal(21, await EventCountOf("many"));
    }

    [Fact]
    public async Task one_event_id_sent_at_once_for_several_customers_is_appended_once()
    {
        var replies = await Task.WhenAll(Enumerable.Range(1, 6)
            .Select(i => app.PostEventsAsync(Signed("multi-1", $"multi-{i}", $"multi-{i}-c1", "2024-01-15", 10_000))));

        Assert.Single(replies, r => r.Status == HttpStatusCode.OK);
        Assert.All(replies.Where(r => r.Status != HttpStatusCode.OK), r => r.ShouldBe(HttpStatusCode.Conflict));
        var histories = await Task.WhenAll(Enumerable.Range(1, 6).Select(i => app.GetAsync($"/api/v1/customers/multi-{i}/events")));
        Assert.Single(histories, h => h.Status == HttpStatusCode.OK);
        Assert.Single(histories.Single(h => h.Status == HttpStatusCode.OK)["events"].AsArray());
    }

    [Fact]
    public async Task a_batch_with_one_broken_event_records_nothing()
    {
        var reply = (await app.PostEventsAsync(Batch(
            Signed("atom-1", "atom", "atom-c1", "2024-01-15", 10_000),
            Upsold("atom-2", "atom", "atom-c1", "2024-02-01", 500),
            Downsold("atom-3", "atom", "atom-c1", "2024-03-01", 20_000)))).ShouldBe(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("atom-3", reply["eventId"].GetValue<string>());
        Assert.NotNull(reply["errors"]["[2].arrDecrease"]);
        (await app.GetAsync("/api/v1/customers/atom/events")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task malformed_json_is_a_bad_request_problem()
    {
        var reply = (await app.PostEventsAsync("{\"eventId\":")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Equal("application/problem+json", reply.ContentType);
        Assert.Contains("not valid JSON", reply["errors"][""]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task a_schema_error_names_the_event_position_and_field()
    {
        var reply = (await app.PostEventsAsync(Batch(
            Signed("schema-1", "schema", "schema-c1", "2024-01-15", 10_000),
            """{"eventId":"schema-2","type":"contract.upsold","customerId":"schema","contractId":"schema-c1","effectiveDate":"2024-02-01","arrIncrement":5}"""))).ShouldBe(HttpStatusCode.BadRequest);

        Assert.NotNull(reply["errors"]["[1].arrIncrement"]);
        Assert.NotNull(reply["errors"]["[1].arrIncrease"]);
        (await app.GetAsync("/api/v1/customers/schema/events")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task an_upsell_after_churn_breaks_a_business_rule()
    {
        (await app.PostEventsAsync(Batch(Signed("closed-1", "closed", "closed-c1", "2024-01-15", 10_000),
            Churned("closed-2", "closed", "closed-c1", "2024-06-01")))).ShouldBe(HttpStatusCode.OK);

        var reply = (await app.PostEventsAsync(Upsold("closed-3", "closed", "closed-c1", "2024-07-01", 100)))
            .ShouldBe(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("closed", reply["detail"].GetValue<string>());
        Assert.Equal(2, await EventCountOf("closed"));
    }

    [Fact]
    public async Task a_backdated_churn_that_would_break_a_later_upsell_is_a_conflict_and_says_why()
    {
        (await app.PostEventsAsync(Batch(Signed("late-1", "late", "late-c1", "2024-01-15", 10_000),
            Upsold("late-2", "late", "late-c1", "2024-09-01", 1_000)))).ShouldBe(HttpStatusCode.OK);

        var reply = (await app.PostEventsAsync(Churned("late-3", "late", "late-c1", "2024-06-01")))
            .ShouldBe(HttpStatusCode.Conflict);

        Assert.Contains("'late-2'", reply["detail"].GetValue<string>());
        Assert.NotNull(reply["errors"]["effectiveDate"]);
        Assert.Equal(11_000m, await ArrOf("late"));
    }

    [Fact]
    public async Task batches_over_a_thousand_events_are_refused()
    {
        var events = Enumerable.Range(0, 1001).Select(i => Signed($"big-{i}", $"big-{i}", $"big-{i}-c1", "2024-01-15", 1_000));

        (await app.PostEventsAsync(Batch([.. events]))).ShouldBe(HttpStatusCode.BadRequest);
        (await app.GetAsync("/api/v1/customers/big-0/events")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_body_over_the_size_limit_is_refused()
    {
        var padding = new string(' ', 4 * 1024 * 1024 + 1);

        var reply = await app.PostEventsAsync(Signed("huge-1", "huge", "huge-c1", "2024-01-15", 1_000) + padding);

        reply.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task voids_must_name_a_recorded_event_and_count_once()
    {
        (await app.PostEventsAsync(Batch(Signed("void-1", "voider", "void-c1", "2024-01-15", 10_000),
            Upsold("void-2", "voider", "void-c1", "2024-02-01", 500)))).ShouldBe(HttpStatusCode.OK);

        var unknown = (await app.PostEventsAsync(Voided("void-3", "no-such-event"))).ShouldBe(HttpStatusCode.UnprocessableEntity);
        Assert.NotNull(unknown["errors"]["voidedEventId"]);

        (await app.PostEventsAsync(Voided("void-4", "void-2"))).ShouldBe(HttpStatusCode.OK);
        var twice = (await app.PostEventsAsync(Voided("void-5", "void-2"))).ShouldBe(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("void-4", twice["detail"].GetValue<string>());

        var voidOfVoid = (await app.PostEventsAsync(Voided("void-6", "void-4"))).ShouldBe(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("itself a void", voidOfVoid["detail"].GetValue<string>());
        Assert.Equal(10_000m, await ArrOf("voider"));
    }

    [Fact]
    public async Task voiding_a_signing_that_later_events_depend_on_is_a_conflict()
    {
        (await app.PostEventsAsync(Batch(Signed("dep-1", "dep", "dep-c1", "2024-01-15", 10_000),
            Upsold("dep-2", "dep", "dep-c1", "2024-02-01", 500)))).ShouldBe(HttpStatusCode.OK);

        var reply = (await app.PostEventsAsync(Voided("dep-3", "dep-1"))).ShouldBe(HttpStatusCode.Conflict);

        Assert.Contains("'dep-2'", reply["detail"].GetValue<string>());
    }

    [Fact]
    public async Task a_retention_cost_can_be_voided_once()
    {
        (await app.PostEventsAsync(RetentionCost("rc-1", "2024-12-31", "tooling", 5_000))).ShouldBe(HttpStatusCode.OK);

        (await app.PostEventsAsync(Voided("rc-2", "rc-1"))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAsync(Voided("rc-3", "rc-1"))).ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task an_event_and_its_void_in_one_batch_are_both_recorded()
    {
        var reply = (await app.PostEventsAsync(Batch(Signed("same-1", "same", "same-c1", "2024-01-15", 10_000),
            Upsold("same-2", "same", "same-c1", "2024-02-01", 500), Voided("same-3", "same-2")))).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(3, reply["results"].AsArray().Count);
        Assert.Equal(10_000m, await ArrOf("same"));
    }
}
