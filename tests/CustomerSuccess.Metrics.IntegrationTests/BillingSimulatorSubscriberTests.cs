using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using CustomerSuccess.Metrics.BillingSimulator;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The billing simulator run as a subscriber (<c>--subscribe</c>) prints a line for every ARR change the engine
/// publishes: read back, its lines name exactly the movements the engine reports, and each restatement says what it
/// replaces and by what.
/// </summary>
[Collection(TestBroker.Collection)]
public partial class BillingSimulatorSubscriberTests(RabbitMetricsApp app) : IClassFixture<RabbitMetricsApp>
{
    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2}) (?<customer>\S+) (?<movement>.+) recorded (?<at>\S+)$")]
    private static partial Regex ChangeLine();

    [GeneratedRegex(@"^RESTATED (?<date>\d{4}-\d{2}-\d{2}) (?<customer>\S+): (?<replaces>.+) replaced by (?<current>.+), recorded (?<at>\S+)$")]
    private static partial Regex RestatementLine();

    [GeneratedRegex(@"^(?<kind>[a-z]+) (?<before>[\d,.]+) -> (?<after>[\d,.]+) \((?<ids>[^)]*)\)$")]
    private static partial Regex MovementText();

    private sealed record Believed(string Movement, DateTimeOffset RecordedAt);

    [Fact]
    public async Task the_lines_printed_name_every_movement_recorded_and_each_restatement_and_stop_at_the_count()
    {
        // Hand-counted: five days gain a movement (s-1 to s-5); the backdated s-3 restates the expansion of s-2, whose
        // ARR before and after it lowers; the void s-6 withdraws the contraction and restates the expansion back.
        var options = SimulatorOptions.Parse(["--subscribe", "--exchange", app.IntegrationEvents, "--count", "8"], TestBroker.Uri, 0);
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var subscriber = new Subscriber(options, output);
        var run = subscriber.RunAsync(giveUp.Token);
        await subscriber.Listening;

        string[] accepted =
        [
            Signed("s-1", "sub-a", "sub-a-c1", "2024-01-15", 10_000),
            Upsold("s-2", "sub-a", "sub-a-c1", "2024-03-01", 2_000),
            Downsold("s-3", "sub-a", "sub-a-c1", "2024-02-01", 500),
            Signed("s-4", "sub-b", "sub-b-c1", "2024-02-01", 5_000),
            Churned("s-5", "sub-b", "sub-b-c1", "2024-06-01"),
            Voided("s-6", "s-3"),
        ];
        foreach (var request in accepted)
        {
            (await app.PostEventsAsync(request)).ShouldBe(HttpStatusCode.OK);
        }

        Assert.NotEqual(HttpStatusCode.OK, (await app.PostEventsAsync(Upsold("s-7", "sub-a", "sub-a-none", "2024-04-01", 1))).Status);

        var summary = await run;
        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.True((summary.Changes, summary.Restatements, summary.Skipped) == (5, 3, 0), output.ToString());
        Assert.Equal("Heard 5 ARR changes and 3 restatements.", lines[^1]);
        Assert.StartsWith($"Listening to {app.IntegrationEvents} at ", lines[0]);
        var heard = lines[1..^1];
        Assert.Equal(8, heard.Length);

        Assert.Equal(
            [
                "RESTATED 2024-03-01 sub-a: expansion 10,000 -> 12,000 (s-2) replaced by expansion 9,500 -> 11,500 (s-2)",
                "RESTATED 2024-02-01 sub-a: contraction 10,000 -> 9,500 (s-3) replaced by none",
                "RESTATED 2024-03-01 sub-a: expansion 9,500 -> 11,500 (s-2) replaced by expansion 10,000 -> 12,000 (s-2)",
            ],
            heard.Where(l => l.StartsWith("RESTATED ", StringComparison.Ordinal)).Select(l => l[..l.LastIndexOf(", recorded ", StringComparison.Ordinal)]));
        Assert.DoesNotContain(heard, l => l.Contains("s-7", StringComparison.Ordinal));

        // Each change line sets a day's movement, each restatement replaces exactly the one printed before.
        var believed = new Dictionary<(string Customer, string Date), Believed>();
        foreach (var line in heard)
        {
            if (RestatementLine().Match(line) is { Success: true } restated)
            {
                var key = (restated.Groups["customer"].Value, restated.Groups["date"].Value);
                Assert.True(believed.TryGetValue(key, out var held), $"{line}: nothing was printed for that day before");
                Assert.Equal(held.Movement, restated.Groups["replaces"].Value);
                if (restated.Groups["current"].Value == "none")
                {
                    believed.Remove(key);
                }
                else
                {
                    believed[key] = new Believed(restated.Groups["current"].Value, Instant(restated.Groups["at"].Value));
                }
            }
            else
            {
                var changed = ChangeLine().Match(line);
                Assert.True(changed.Success, line);
                Assert.True(
                    believed.TryAdd((changed.Groups["customer"].Value, changed.Groups["date"].Value),
                        new Believed(changed.Groups["movement"].Value, Instant(changed.Groups["at"].Value))),
                    $"{line}: that day was printed before");
            }
        }

        var recorded = new List<string>();
        foreach (var customer in (string[])["sub-a", "sub-b"])
        {
            var movements = (await app.GetAsync($"/api/v1/audit/movements?from=2024-01-01&to=2024-12-31&customerId={customer}"))
                .ShouldBe(HttpStatusCode.OK)["movements"].AsArray();
            recorded.AddRange(movements.Select(m => string.Join(" ", customer, m!["date"]!.GetValue<string>(), m["kind"]!.GetValue<string>(),
                Money(m["amount"]!.GetValue<decimal>()),
                string.Join(", ", m["eventIds"]!.AsArray().Select(id => id!.GetValue<string>())),
                Instant(m["recordedAt"]!.GetValue<string>()).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture))));
        }

        var printed = believed.Select(b =>
        {
            var movement = MovementText().Match(b.Value.Movement);
            Assert.True(movement.Success, b.Value.Movement);
            var amount = Math.Abs(Amount(movement.Groups["after"].Value) - Amount(movement.Groups["before"].Value));
            return string.Join(" ", b.Key.Customer, b.Key.Date, movement.Groups["kind"].Value, Money(amount),
                movement.Groups["ids"].Value, b.Value.RecordedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        });
        Assert.Equal(4, recorded.Count);
        Assert.Equal(recorded.Order(), printed.Order());
    }

    private static DateTimeOffset Instant(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string Money(decimal amount) => amount.ToString("0.##", CultureInfo.InvariantCulture);

    private static decimal Amount(string text) => decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
}
