using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using NodaTime;
using NodaTime.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// <c>replay verify</c> and <c>replay customer</c> on the host's own command line, run as a process of its own against
/// the test's schema. The history: signings, upsells, a downsell, churn, a reactivation, a segment change, retention
/// spend, a backdated upsell and a void, recorded over several requests, some holding several customers.
/// </summary>
public class ReplayCommandTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    /// <summary>The instant each request of the history was recorded at, as the write answered, by the number of its first event.</summary>
    private static readonly Dictionary<int, Instant> RecordedAt = [];

    private Task SeedAsync() => app.SeedOnceAsync(async () =>
    {
        var requests = new (int First, string Body)[]
        {
            (1, Batch(Signed("rp-1", "rp-a", "rp-a1", "2024-01-15", 10_000), Signed("rp-20", "rp-b", "rp-b1", "2024-03-01", 20_000, "enterprise"))),
            (2, Upsold("rp-2", "rp-a", "rp-a1", "2024-04-01", 2_000)),
            (3, Batch(Downsold("rp-3", "rp-a", "rp-a1", "2024-07-01", 3_000), RetentionCost("rp-30", "2024-06-30", "cs_team", 4_000),
                Signed("rp-21", "rp-c", "rp-c1", "2024-05-01", 7_000))),
            (4, Batch(Churned("rp-4", "rp-a", "rp-a1", "2024-10-01"), Churned("rp-22", "rp-c", "rp-c1", "2024-08-01"),
                RenewedAs("rp-23", "rp-b", "rp-b1", "2024-09-01", 25_000, "2025-08-31", "rp-b Group", "mid_market"))),
            (5, Batch(Signed("rp-5", "rp-a", "rp-a2", "2025-01-01", 5_000), CrossSold("rp-24", "rp-b", "rp-b2", "2025-01-01", 3_000))),
            // Backdated: before the upsell of April, and recorded after everything later.
            (6, Upsold("rp-6", "rp-a", "rp-a1", "2024-02-01", 1_000)),
            (7, Batch(Voided("rp-7", "rp-3"), Voided("rp-31", "rp-30"))),
        };
        foreach (var (first, body) in requests)
        {
            var reply = (await app.PostEventsAtAsync(MetricsApp.Start + Duration.FromHours(first), body)).ShouldBe(HttpStatusCode.OK);
            RecordedAt[first] = InstantPattern.ExtendedIso.Parse(reply["recordedAt"].GetValue<string>()).Value;
        }
    });

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private Task<long> ScratchSchemasLeftAsync() =>
        ScalarAsync<long>($"select count(*) from information_schema.schemata where starts_with(schema_name, '{app.Schema}_replay_')");

    private static string[] Lines(string output) => [.. output.Split('\n').Select(l => l.TrimEnd('\r'))];

    [Fact]
    public async Task verify_passes_on_a_clean_store_and_finds_each_planted_difference()
    {
        await SeedAsync();

        var clean = await app.ExecuteHostCommandAsync("replay", "verify");
        Assert.True(clean.Code == 0, clean.Error + clean.Output);
        Assert.Contains("Summary: no differences", clean.Output);
        Assert.DoesNotContain(Lines(clean.Output), l => l.StartsWith("row\t", StringComparison.Ordinal) || l.StartsWith("figure\t", StringComparison.Ordinal));
        Assert.Contains("Replayed 14 events", clean.Output);
        Assert.Equal(0, await ScratchSchemasLeftAsync());

        // One day's total of new ARR raised by 1,000: the row, and every ARR known now from that day on, differ. And the
        // churn of rp-c as published, said to have started from 7,500.
        await ScalarAsync<int>(
            $"update {app.Schema}.cs_arr_daily set arr_delta = arr_delta + 1000 where movement_date = '2024-03-01' and kind = 'new' returning 1");
        const string churnOfC = "customer_id = 'rp-c' and body->>'movement' = 'churn'";
        await ScalarAsync<int>(
            $"update {app.Schema}.cs_arr_change_feed set body = jsonb_set(body, '{{arrBefore}}', '7500') where {churnOfC} returning 1");
        var raised = await app.ExecuteHostCommandAsync("replay", "verify");
        Assert.NotEqual(0, raised.Code);
        var lines = Lines(raised.Output);
        Assert.Contains("row\tcs_arr_daily\tmovement_date=2024-03-01, segment=enterprise, kind=new\tarr_delta\tlive: 21000\treplayed: 20000", lines);
        // ARR at the end of 2024-12-31 as known now: rp-a churned, rp-b 25,000, rp-c churned; the live side counts 1,000 more.
        Assert.Contains("figure\tarr\tasOf=2024-12-31\tarr\tlive: 26000\treplayed: 25000", lines);
        var churnRecorded = InstantPattern.ExtendedIso.Format(RecordedAt[4]).Replace("Z", "+00:00", StringComparison.Ordinal);
        var feed = Assert.Single(lines, l => l.StartsWith("row\tcs_arr_change_feed\t", StringComparison.Ordinal)).Split('\t');
        Assert.Equal([$"recorded_at={churnRecorded}, customer_id=rp-c, position=1", "body"], feed[2..4]);
        Assert.Contains("\"arrBefore\": 7500", feed[4]);
        Assert.Contains("\"arrBefore\": 7000", feed[5]);
        Assert.Contains(lines, l => l.StartsWith("Summary: ", StringComparison.Ordinal)
            && l.Contains("cs_arr_daily 1, cs_arr_change_feed 1", StringComparison.Ordinal));
        Assert.Equal(0, await ScratchSchemasLeftAsync());
        await ScalarAsync<int>(
            $"update {app.Schema}.cs_arr_daily set arr_delta = arr_delta - 1000 where movement_date = '2024-03-01' and kind = 'new' returning 1");
        await ScalarAsync<int>(
            $"update {app.Schema}.cs_arr_change_feed set body = jsonb_set(body, '{{arrBefore}}', '7000') where {churnOfC} returning 1");

        // A customer's row deleted: the replay has it, the live side has not.
        await ScalarAsync<int>($"delete from {app.Schema}.cs_customers where customer_id = 'rp-c' returning 1");
        var deleted = await app.ExecuteHostCommandAsync("replay", "verify");
        Assert.NotEqual(0, deleted.Code);
        var known = InstantPattern.ExtendedIso.Format(RecordedAt[3]).Replace("Z", "+00:00", StringComparison.Ordinal);
        Assert.Contains($"row\tcs_customers\tcustomer_id=rp-c\t(row)\tlive: (no row)\treplayed: known_from={known}", Lines(deleted.Output));
        Assert.Contains(Lines(deleted.Output), l => l.StartsWith("Summary: 1 differences", StringComparison.Ordinal));
        Assert.Equal(0, await ScratchSchemasLeftAsync());

        // A rebuild from the log puts the row back, and the read models it writes, a page of two events at a time, pass too.
        await app.RunHostCommandAsync("projections", "rebuild");
        var rebuilt = await app.ExecuteHostCommandAsync("replay", "verify");
        Assert.True(rebuilt.Code == 0, rebuilt.Error + rebuilt.Output);
        Assert.Contains("Summary: no differences", rebuilt.Output);
    }

    /// <summary>The printed rows of one section of <c>replay customer</c>, each as its nine tab-separated columns.</summary>
    private static List<string[]> Section(string output, string heading) =>
    [
        .. Lines(output)
            .SkipWhile(l => !l.StartsWith(heading, StringComparison.Ordinal))
            .Skip(2)
            .TakeWhile(l => l.Length > 0)
            .Select(l => l.Split('\t')),
    ];

    private static string At(Instant instant) => InstantPattern.ExtendedIso.Format(instant);

    [Fact]
    public async Task a_customer_is_replayed_in_effective_and_in_recorded_order()
    {
        await SeedAsync();

        var run = await app.ExecuteHostCommandAsync("replay", "customer", "rp-a");
        Assert.True(run.Code == 0, run.Error + run.Output);

        // Worked by hand from the history. In effective order, as known now: the backdated upsell takes its place in
        // February, the voided downsell applies nothing, so the churn takes 13,000 = 10,000 + 1,000 + 2,000.
        string[][] effective =
        [
            ["rp-1", "contract.signed", "2024-01-15", At(RecordedAt[1]), "rp-a1", "10000", "active", "new", "-"],
            ["rp-6", "contract.upsold", "2024-02-01", At(RecordedAt[6]), "rp-a1", "11000", "active", "expansion", "-"],
            ["rp-2", "contract.upsold", "2024-04-01", At(RecordedAt[2]), "rp-a1", "13000", "active", "expansion", "-"],
            ["rp-3", "contract.downsold", "2024-07-01", At(RecordedAt[3]), "rp-a1", "13000", "active", "-", "voided by rp-7"],
            ["rp-4", "contract.churned", "2024-10-01", At(RecordedAt[4]), "rp-a1", "0", "churned", "churn", "-"],
            ["rp-5", "contract.signed", "2025-01-01", At(RecordedAt[5]), "rp-a2", "5000", "active", "reactivation", "-"],
        ];
        Assert.Equal(effective, Section(run.Output, "In effective order"));

        // In recorded order, each as known just after it: the downsell took 12,000 to 9,000 until it was voided; the
        // backdated upsell lands at 11,000 in February; the void leaves the downsell's place at 13,000.
        string[][] recorded =
        [
            ["rp-1", "contract.signed", "2024-01-15", At(RecordedAt[1]), "rp-a1", "10000", "active", "new", "-"],
            ["rp-2", "contract.upsold", "2024-04-01", At(RecordedAt[2]), "rp-a1", "12000", "active", "expansion", "-"],
            ["rp-3", "contract.downsold", "2024-07-01", At(RecordedAt[3]), "rp-a1", "9000", "active", "contraction", "voided by rp-7"],
            ["rp-4", "contract.churned", "2024-10-01", At(RecordedAt[4]), "rp-a1", "0", "churned", "churn", "-"],
            ["rp-5", "contract.signed", "2025-01-01", At(RecordedAt[5]), "rp-a2", "5000", "active", "reactivation", "-"],
            ["rp-6", "contract.upsold", "2024-02-01", At(RecordedAt[6]), "rp-a1", "11000", "active", "expansion", "-"],
            ["rp-7", "event.voided", "-", At(RecordedAt[7]), "-", "13000", "active", "-", "voids rp-3"],
        ];
        Assert.Equal(recorded, Section(run.Output, "In recorded order"));

        // A segment change on a renewal: rp-b moves from enterprise to mid_market at 25,000 on 2024-09-01.
        var other = await app.ExecuteHostCommandAsync("replay", "customer", "rp-b");
        Assert.True(other.Code == 0, other.Error + other.Output);
        Assert.Equal(
            [["rp-20", "20000", "new"], ["rp-23", "25000", "transfer_out+transfer_in+expansion"], ["rp-24", "28000", "expansion"]],
            Section(other.Output, "In effective order").Select(c => new[] { c[0], c[5], c[7] }).ToArray());

        var json = await app.ExecuteHostCommandAsync("replay", "customer", "rp-a", "--format", "json");
        Assert.True(json.Code == 0, json.Error + json.Output);
        // The command line lists the assemblies it searched for commands first; the document starts on a line of its own.
        var body = JsonNode.Parse(json.Output[json.Output.IndexOf("\n{", StringComparison.Ordinal)..])!;
        Assert.Equal("rp-a", body["customerId"]!.GetValue<string>());
        var voided = body["effectiveOrder"]![3]!;
        Assert.Equal("rp-3", voided["eventId"]!.GetValue<string>());
        Assert.Equal("rp-7", voided["voidedBy"]!.GetValue<string>());
        Assert.Equal(13_000m, voided["arr"]!.GetValue<decimal>());
        var theVoid = body["recordedOrder"]![6]!;
        Assert.Equal("rp-3", theVoid["voidedEventId"]!.GetValue<string>());
        Assert.Null(theVoid["effectiveDate"]);
        Assert.Equal(["contraction"], body["recordedOrder"]![2]!["movements"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task an_unknown_customer_is_refused()
    {
        await SeedAsync();

        var unknown = await app.ExecuteHostCommandAsync("replay", "customer", "rp-nobody");
        Assert.NotEqual(0, unknown.Code);
        Assert.Contains("No customer 'rp-nobody' is recorded", unknown.Error);

        // Retention spend is kept under a stream of its own, which is no customer.
        var costs = await app.ExecuteHostCommandAsync("replay", "customer", "~retention-costs");
        Assert.NotEqual(0, costs.Code);
        Assert.Contains("No customer '~retention-costs' is recorded", costs.Error);

        var noId = await app.ExecuteHostCommandAsync("replay", "customer");
        Assert.NotEqual(0, noId.Code);
        Assert.Contains("Name the customer", noId.Error);
    }
}
