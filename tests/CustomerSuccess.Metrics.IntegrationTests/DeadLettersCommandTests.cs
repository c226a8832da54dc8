using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CustomerSuccess.Metrics.Api.Messaging;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using Wolverine;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The dead letters on the host's own command line, run as a process of its own against the test's schema: the list
/// shows what <c>GET /api/v1/dead-letters</c> shows, and replay and discard leave the same state the HTTP actions would,
/// answering with a non-zero exit code when nothing was done.
/// </summary>
public class DeadLettersCommandTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private async Task SendAsync(byte[] body)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().SendAsync(new ContractEventsMessage(body));
    }

    /// <summary>The rows of a printed list, by id: the tab-separated columns after the id.</summary>
    private static Dictionary<string, string[]> Rows(string output) =>
        output.Split('\n')
            .Select(line => line.TrimEnd('\r').Split('\t'))
            .Where(columns => columns.Length == 6 && Guid.TryParse(columns[0], out _))
            .ToDictionary(columns => columns[0], columns => columns[1..]);

    private static string Id(JsonNode letter) => letter["id"]!.GetValue<string>();

    [Fact]
    public async Task dead_letters_are_listed_replayed_and_discarded_from_the_command_line()
    {
        (await app.PostEventsAsync(Signed("cli-1", "cli-a", "cli-a-c1", "2024-01-15", 10_000))).ShouldBe(HttpStatusCode.OK);
        // An upsell of a contract not yet opened, sent over several lines and longer than a listed body is shown.
        var waiting = Batch(Upsold("cli-2", "cli-a", "cli-a-c1", "2024-02-01", 1_000), Upsold("cli-3", "cli-a", "cli-a-c2", "2024-03-01", 250))
            .Replace(",\"", ",\n  \"", StringComparison.Ordinal);
        var cutShort = Encoding.UTF8.GetBytes("{\"eventId\": \"cli-4\", ");
        byte[] notUtf8 = [0x7b, 0xff, 0xfe, 0x7d];
        foreach (var body in (byte[][])[Encoding.UTF8.GetBytes(waiting), cutShort, notUtf8])
        {
            await SendAsync(body);
        }

        var letters = (await Eventually.GetAsync(app, "/api/v1/dead-letters", r => r["total"].GetValue<long>() == 3))["deadLetters"].AsArray()
            .Select(l => l!).ToList();
        var refused = letters.Single(l => l["status"]!.GetValue<int>() == 422);
        var unreadable = letters.Single(l => l["bodyBase64"]!.GetValue<string>() == Convert.ToBase64String(cutShort));
        var binary = letters.Single(l => l["bodyBase64"]!.GetValue<string>() == Convert.ToBase64String(notUtf8));

        // The list: every waiting dead letter, one line each, with what HTTP lists for it.
        var list = await app.ExecuteHostCommandAsync("dead-letters", "list");
        Assert.True(list.Code == 0, list.Error + list.Output);
        var rows = Rows(list.Output);
        Assert.Equal(letters.Select(Id).Order(), rows.Keys.Order());
        foreach (var letter in letters)
        {
            var row = rows[Id(letter)];
            Assert.Equal(letter["firstRefusedAt"]!.GetValue<string>(), row[0]);
            Assert.Equal(letter["status"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture), row[1]);
            Assert.Equal(letter["field"]!.GetValue<string>(), row[2]);
            Assert.Equal(letter["detail"]!.GetValue<string>(), row[3]);
        }

        var shown = rows[Id(refused)][4];
        Assert.EndsWith("...", shown);
        Assert.True(shown.Length < waiting.Length, shown);
        Assert.StartsWith("[{\"eventId\":\"cli-2\", \"type\":\"contract.upsold\",", shown);
        Assert.Equal("{\"eventId\": \"cli-4\",", rows[Id(unreadable)][4]);
        Assert.Equal("base64:" + Convert.ToBase64String(notUtf8), rows[Id(binary)][4]);
        Assert.Equal("[1].contractId", rows[Id(refused)][2]);

        // A page of the list is the same page as over HTTP.
        var second = await app.ExecuteHostCommandAsync("dead-letters", "list", "--limit", "1", "--offset", "1");
        Assert.True(second.Code == 0, second.Error + second.Output);
        var page = (await app.GetAsync("/api/v1/dead-letters?limit=1&offset=1")).ShouldBe(HttpStatusCode.OK)["deadLetters"].AsArray();
        Assert.Equal([Id(page.Single()!)], Rows(second.Output).Keys);

        // Replayed before the contract it needs exists, it is refused again, says why, and keeps waiting.
        var early = await app.ExecuteHostCommandAsync("dead-letters", "replay", Id(refused));
        Assert.NotEqual(0, early.Code);
        Assert.Contains("422", early.Error);
        Assert.Contains("[1].contractId", early.Error);
        Assert.Contains(refused["detail"]!.GetValue<string>(), early.Error);
        Assert.Contains(Id(refused), (await app.GetAsync("/api/v1/dead-letters")).ShouldBe(HttpStatusCode.OK)["deadLetters"].AsArray().Select(l => Id(l!)));

        // Once it exists, the replay records both events and the dead letter is no longer waiting.
        (await app.PostEventsAsync(CrossSold("cli-5", "cli-a", "cli-a-c2", "2024-02-15", 2_000))).ShouldBe(HttpStatusCode.OK);
        var replay = await app.ExecuteHostCommandAsync("dead-letters", "replay", Id(refused));
        Assert.True(replay.Code == 0, replay.Error + replay.Output);
        Assert.Contains("cli-2\tappended", replay.Output);
        Assert.Contains("cli-3\tappended", replay.Output);
        var recordedAt = InstantPattern.ExtendedIso.Parse(Regex.Match(replay.Output, @"recorded at (\S+Z)\.").Groups[1].Value).Value;
        var remaining = (await app.GetAsync("/api/v1/dead-letters")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(2, remaining["total"].GetValue<long>());
        Assert.DoesNotContain(Id(refused), remaining["deadLetters"].AsArray().Select(l => Id(l!)));

        // The command ran on the real clock: read as known just after the instant it printed.
        app.Clock.Reset(recordedAt + Duration.FromSeconds(1));
        var knownAt = InstantPattern.ExtendedIso.Format(recordedAt);
        var instants = (await app.GetAsync($"/api/v1/knowledge?from={knownAt}&to={knownAt}")).ShouldBe(HttpStatusCode.OK)["instants"].AsArray();
        Assert.Equal(2, instants.Single()!["events"]!.GetValue<int>());
        Assert.Equal(13_250m, (await app.GetAsync("/api/v1/customers/cli-a?asOf=2030-01-01")).ShouldBe(HttpStatusCode.OK).Decimal("arr"));

        // Nothing is waiting under that id any more: a second replay does nothing and says so.
        var again = await app.ExecuteHostCommandAsync("dead-letters", "replay", Id(refused));
        Assert.NotEqual(0, again.Code);
        Assert.Contains("No dead letter", again.Error);

        // A discard sets one aside for good; a second one finds nothing waiting.
        var discard = await app.ExecuteHostCommandAsync("dead-letters", "discard", Id(unreadable));
        Assert.True(discard.Code == 0, discard.Error + discard.Output);
        var left = (await app.GetAsync("/api/v1/dead-letters")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal([Id(binary)], left["deadLetters"].AsArray().Select(l => Id(l!)));
        (await app.PostAsync($"/api/v1/dead-letters/{Id(unreadable)}/replay")).ShouldBe(HttpStatusCode.NotFound);
        var discardAgain = await app.ExecuteHostCommandAsync("dead-letters", "discard", Id(unreadable));
        Assert.NotEqual(0, discardAgain.Code);
        Assert.Contains("No dead letter", discardAgain.Error);

        // An unreadable body replayed is refused again with its own reason, and still waits.
        var unreadableAgain = await app.ExecuteHostCommandAsync("dead-letters", "replay", Id(binary));
        Assert.NotEqual(0, unreadableAgain.Code);
        Assert.Contains("400", unreadableAgain.Error);
        var badId = await app.ExecuteHostCommandAsync("dead-letters", "discard", "not-an-id");
        Assert.NotEqual(0, badId.Code);
        Assert.Contains("not-an-id", badId.Error);
        Assert.Equal([Id(binary)], (await app.GetAsync("/api/v1/dead-letters")).ShouldBe(HttpStatusCode.OK)["deadLetters"].AsArray().Select(l => Id(l!)));
    }
}
