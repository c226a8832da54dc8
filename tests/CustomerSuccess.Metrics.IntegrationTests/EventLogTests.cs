using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>The whole event log, in recorded order, as JSON and as CSV: contract events, a void, retention spend and a close.</summary>
public class EventLogTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    private static readonly Instant First = MetricsApp.Start + Duration.FromDays(1);
    private static readonly Instant Second = MetricsApp.Start + Duration.FromDays(2);
    private static readonly Instant Closing = MetricsApp.Start + Duration.FromDays(3);

    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAtAsync(First, Batch(
            Signed("el-1", "el-a", "el-a1", "2024-01-01", 12_000.5m),
            Signed("el-3", "el-b", "el-b1", "2023-12-01", 5_000),
            Churned("el-2", "el-b", "el-b1", "2024-02-01", "=cmd|' /C calc'!A0"),
            RetentionCost("el-4", "2024-01-31", "tooling", 123.456m)))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(Second, Batch(Upsold("el-5", "el-a", "el-a1", "2024-03-01", 1_000), Voided("el-6", "el-4"))))
            .ShouldBe(HttpStatusCode.OK);
        app.Clock.Reset(Closing);
        (await app.PostAsync("/api/v1/periods/2024-01/close")).ShouldBe(HttpStatusCode.Created);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    private static string At(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    [Fact]
    public async Task every_event_is_listed_once_in_recorded_order_with_what_it_carried_and_who_sent_it()
    {
        var log = (await app.GetAsync("/api/v1/audit/events")).ShouldBe(HttpStatusCode.OK);
        var events = log["events"].AsArray();
        var ids = events.Select(e => e!["eventId"]!.GetValue<string>()).ToList();
        // One request's events share an instant; a customer's keep the order they were sent in.
        Assert.Equal(["el-1", "el-2", "el-3", "el-4"], ids.Take(4).Order());
        Assert.True(ids.IndexOf("el-3") < ids.IndexOf("el-2"));
        Assert.Equal(["el-5", "el-6"], ids.Skip(4).Take(2));
        var byId = events.Take(6).ToDictionary(e => e!["eventId"]!.GetValue<string>(), e => e!);
        Assert.Equal(7, log["total"].GetValue<long>());
        Assert.Equal(events.Count, log["total"].GetValue<long>());
        var sequences = events.Select(e => e!["sequence"]!.GetValue<long>()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());

        Assert.Equal(
            ["contract.signed", "contract.churned", "contract.signed", "retention_cost.recorded", "contract.upsold", "event.voided"],
            ((string[])["el-1", "el-2", "el-3", "el-4", "el-5", "el-6"]).Select(id => byId[id]["type"]!.GetValue<string>()));
        Assert.Equal("period.closed", events[6]!["type"]!.GetValue<string>());
        Assert.All(events, e => Assert.Equal((MetricsApp.AdminKeyName, "http"), (e!["publishedBy"]!.GetValue<string>(), e["via"]!.GetValue<string>())));

        var signed = byId["el-1"];
        Assert.Equal(("el-a", "el-a1", "2024-01-01", 12_000.5m), (signed["customerId"]!.GetValue<string>(), signed["contractId"]!.GetValue<string>(),
            signed["effectiveDate"]!.GetValue<string>(), signed["amount"]!.GetValue<decimal>()));
        var cost = byId["el-4"];
        Assert.Null(cost["customerId"]);
        Assert.Equal(("2024-01-31", 123.456m, "tooling"), (cost["effectiveDate"]!.GetValue<string>(), cost["amount"]!.GetValue<decimal>(),
            cost["category"]!.GetValue<string>()));
        Assert.Equal("el-4", byId["el-6"]["voidedEventId"]!.GetValue<string>());
        var close = events[6]!;
        Assert.Equal(("2024-01", null), (close["period"]!.GetValue<string>(), close["customerId"]?.GetValue<string>()));
        Assert.True(InstantOf(close["recordedAt"]!) > InstantOf(events[5]!["recordedAt"]!));
    }

    private static Instant InstantOf(JsonNode node) => InstantPattern.ExtendedIso.Parse(node.GetValue<string>()).Value;

    [Fact]
    public async Task known_at_an_earlier_instant_the_log_ends_where_it_ended_then()
    {
        var log = (await app.GetAsync($"/api/v1/audit/events?knownAt={At(Second - Duration.FromHours(1))}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["el-1", "el-2", "el-3", "el-4"], log["events"].AsArray().Select(e => e!["eventId"]!.GetValue<string>()).Order());
        Assert.Equal(4, log["total"].GetValue<long>());
    }

    [Fact]
    public async Task csv_has_one_row_per_event_with_the_json_values_and_free_text_made_safe()
    {
        var json = (await app.GetAsync($"/api/v1/audit/events?knownAt={At(Closing + Duration.FromHours(1))}")).ShouldBe(HttpStatusCode.OK);
        var csv = (await CsvReply.GetAsync(app, $"/api/v1/audit/events?knownAt={At(Closing + Duration.FromHours(1))}&format=csv"))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal(
            ["sequence", "recordedAt", "eventId", "type", "customerId", "contractId", "effectiveDate", "amount", "currency", "termEndDate", "reason",
             "voidedEventId", "category", "period", "publishedBy", "via"],
            csv.Columns);
        var events = json["events"].AsArray();
        Assert.Equal(events.Count, csv.Rows.Count);
        foreach (var (e, row) in events.Zip(csv.Rows))
        {
            Assert.Equal(e!["sequence"]!.GetValue<long>().ToString(CultureInfo.InvariantCulture), row["sequence"]);
            Assert.Equal(e["eventId"]!.GetValue<string>(), row["eventId"]);
            Assert.Equal(e["type"]!.GetValue<string>(), row["type"]);
            Assert.Equal(e["recordedAt"]!.GetValue<string>(), row["recordedAt"]);
            Assert.Equal(e["amount"]?.GetValue<decimal>(), row["amount"].Length == 0 ? null : decimal.Parse(row["amount"], CultureInfo.InvariantCulture));
            Assert.Equal(row["amount"].Length == 0 ? "" : "USD", row["currency"]);
        }

        Assert.Equal("123.456", csv.Rows.Single(r => r["eventId"] == "el-4")["amount"]);
        Assert.Equal("'=cmd|' /C calc'!A0", csv.Rows.Single(r => r["eventId"] == "el-2")["reason"]);
    }

    [Theory]
    [InlineData("?knownAt=1900-01-01T00:00:00Z", "knownAt")]
    [InlineData("?format=xml", "format")]
    [InlineData("?limit=10", "limit")]
    public async Task bad_parameters_are_refused_naming_them(string query, string field)
    {
        var reply = (await app.GetAsync($"/api/v1/audit/events{query}")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.NotNull(reply["errors"][field]);
    }
}
