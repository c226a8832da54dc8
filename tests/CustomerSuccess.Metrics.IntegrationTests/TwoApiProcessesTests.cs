using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Xunit.Abstractions;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// Two API processes on one schema, as a deployment behind a load balancer runs them, written to at once by several
/// writers each: some sign customers of their own, all change customers they share with writers on the other process,
/// some send one new batch to both processes at the same moment, and some send batches already acknowledged again.
/// Afterwards every acknowledged event is in the store exactly once, recorded instants follow the store's sequence
/// across both processes, both processes give the same bytes for the same questions, the figures are those the sent
/// events imply, and a replay of the log into a scratch store gives the same read models.
/// </summary>
public class TwoApiProcessesTests(ITestOutputHelper output)
{
    private const int WritersPerProcess = 4;
    private const int BatchesPerWriter = 10;
    private const int SignsPerBatch = 8;
    private const int SharedChangesPerBatch = 6;
    private const int SharedCustomers = 16;

    /// <summary>Small, so that checkpoints are taken in the middle of commits and replay pages cut through them.</summary>
    private const int CheckpointEveryEvents = 97;

    private static readonly TimeSpan HostStart = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task every_acknowledged_event_is_stored_once_in_recorded_order_and_both_processes_answer_alike()
    {
        var schema = $"t_{Guid.NewGuid():N}"[..20];
        var environment = SentBook.HostEnvironment(schema);
        environment["Marten__CheckpointEveryEvents"] = CheckpointEveryEvents.ToString(CultureInfo.InvariantCulture);
        var book = new SentBook();

        // The first process makes the schema; the second starts on it.
        await using var first = await HostProcess.StartAsync(environment, HostStart);
        await using var second = await HostProcess.StartAsync(environment, HostStart);
        HostProcess[] hosts = [first, second];
        try
        {
            await WriteAndCheckAsync(hosts, book, schema, environment);
        }
        catch
        {
            foreach (var host in hosts)
            {
                output.WriteLine($"process {host.Id}:\n{host.RecentOutput()}");
            }

            throw;
        }
    }

    private async Task WriteAndCheckAsync(HostProcess[] hosts, SentBook book, string schema, Dictionary<string, string> environment)
    {
        // The shared customers are signed first; afterwards writers on both processes only up- and downsell them, which
        // any order of arrival accepts: every change lies after the signing, and the downsells cannot reach the ARR.
        var shared = Enumerable.Range(0, SharedCustomers).Select(s => $"tp-shared-{s}").ToArray();
        await book.SendAsync(hosts[0].Client, [.. shared.Select((c, s) => SentChange.Signed($"{c}-signed", c, SentBook.Signing, 100_000m + s))]);

        var writing = Stopwatch.StartNew();
        var sentTwiceAtOnce = 0;
        var resent = 0;
        await Task.WhenAll(Enumerable.Range(0, hosts.Length).SelectMany(p => Enumerable.Range(0, WritersPerProcess).Select(w => Task.Run(async () =>
        {
            var random = new Random(p * 100 + w);
            var own = hosts[p].Client;
            var other = hosts[1 - p].Client;
            var sent = new List<SentChange[]>();
            for (var b = 0; b < BatchesPerWriter; b++)
            {
                var prefix = $"tp-{p}-{w}-{b}";
                var batch = new List<SentChange>();
                batch.AddRange(Enumerable.Range(0, SignsPerBatch)
                    .Select(e => SentChange.Signed($"{prefix}-{e}", $"{prefix}-{e}", SentBook.Signing, 1_000m + random.Next(9_000))));
                if (b > 0)
                {
                    // A customer of this writer's previous batch, upsold: the writer's own customers are only its own.
                    var customer = sent[^1][random.Next(SignsPerBatch)].CustomerId;
                    batch.Add(SentChange.Upsold($"{prefix}-up", customer, SentBook.Signing.PlusDays(2 * random.Next(150) + 1), random.Next(1, 500)));
                }

                batch.AddRange(Enumerable.Range(0, SharedChangesPerBatch).Select(e =>
                    SentBook.ChangeAfterSigning($"{prefix}-s{e}", shared[random.Next(SharedCustomers)], random.Next(1, 301), random.Next(1, 100))));

                if (b % 5 == 4)
                {
                    // One new batch sent to both processes at the same moment, as a client retrying on another node would.
                    var answers = await Task.WhenAll(book.SendAsync(own, batch), book.SendAsync(other, batch));
                    var appended = answers.SelectMany(a => a.Reply["results"]!.AsArray()).Count(r => r!["status"]!.GetValue<string>() == "appended");
                    Assert.Equal(batch.Count, appended);
                    Interlocked.Increment(ref sentTwiceAtOnce);
                }
                else
                {
                    await book.SendAsync(own, batch);
                }

                sent.Add([.. batch]);
                if (b % 4 == 3)
                {
                    // An acknowledged batch again, with the same eventIds, to the other process.
                    var (again, _) = await book.SendAsync(other, sent[random.Next(sent.Count)]);
                    Assert.All(again["results"]!.AsArray(), r => Assert.Equal("duplicate", r!["status"]!.GetValue<string>()));
                    Assert.Null(again["recordedAt"]?.GetValue<string>());
                    Interlocked.Increment(ref resent);
                }
            }
        }))));

        output.WriteLine($"{book.Appended} events appended in {writing.Elapsed.TotalSeconds:F1} s, {book.Duplicates} answered as duplicates; " +
                         $"{sentTwiceAtOnce} batches sent to both processes at once, {resent} acknowledged batches resent; {book.Instants.Count} recorded instants");
        book.AssertEveryAcknowledgedEventAppendedOnce();
        await book.AssertStoreAsync(schema);

        // Asked about instants now in the past, both processes give the same bytes, and the figures the sent events imply.
        var instants = book.Instants;
        foreach (var knownAt in (Instant[])[instants[instants.Count / 3], instants[^1]])
        {
            var at = InstantPattern.ExtendedIso.Format(knownAt);
            var known = book.KnownAt(knownAt);
            var endOfYear = await SameFromBothAsync(hosts, $"/api/v1/arr?asOf=2024-12-31&knownAt={at}");
            Assert.Equal(known.Arr(new LocalDate(2024, 12, 31)), endOfYear["arr"]!.GetValue<decimal>());
            Assert.Equal(known.ActiveCustomers(new LocalDate(2024, 12, 31)), endOfYear["activeCustomers"]!.GetValue<int>());

            var midYear = await SameFromBothAsync(hosts, $"/api/v1/arr?asOf=2024-05-31&knownAt={at}");
            Assert.Equal(known.Arr(new LocalDate(2024, 5, 31)), midYear["arr"]!.GetValue<decimal>());

            var (from, to) = (new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31));
            var bridge = (await SameFromBothAsync(hosts, $"/api/v1/metrics/bridge?from=2024-01-01&to=2024-12-31&interval=month&knownAt={at}"))["summary"]!;
            Assert.Equal(0m, bridge["openingArr"]!.GetValue<decimal>());
            Assert.Equal(known.Sum(ChangeKind.Signed, from, to), bridge["newArr"]!.GetValue<decimal>());
            Assert.Equal(known.Sum(ChangeKind.Upsold, from, to), bridge["expansionArr"]!.GetValue<decimal>());
            Assert.Equal(known.Sum(ChangeKind.Downsold, from, to), bridge["contractionArr"]!.GetValue<decimal>());
            Assert.Equal(0m, bridge["churnArr"]!.GetValue<decimal>());
            Assert.Equal(endOfYear["arr"]!.GetValue<decimal>(), bridge["closingArr"]!.GetValue<decimal>());

            var retention = await SameFromBothAsync(hosts, $"/api/v1/metrics/retention?from=2024-06-01&to=2024-12-31&knownAt={at}");
            Assert.Equal(known.ActiveCustomers(new LocalDate(2024, 5, 31)), retention["cohortCustomers"]!.GetValue<int>());
            Assert.Equal(midYear["arr"]!.GetValue<decimal>(), retention["openingArr"]!.GetValue<decimal>());
            Assert.Equal(1m, retention["logoRetention"]!.GetValue<decimal>());

            foreach (var customer in shared.Take(3))
            {
                var history = await SameFromBothAsync(hosts, $"/api/v1/customers/{customer}/events?knownAt={at}");
                Assert.Equal(book.EventsOf(customer, knownAt), history["events"]!.AsArray().Count);
                var state = await SameFromBothAsync(hosts, $"/api/v1/customers/{customer}?asOf=2024-12-31&knownAt={at}");
                Assert.Equal(book.ArrOf(customer, new LocalDate(2024, 12, 31), knownAt), state["arr"]!.GetValue<decimal>());
            }
        }

        output.WriteLine($"checked in {writing.Elapsed.TotalSeconds:F1} s");

        // Replayed from the log into a scratch store, in pages that cut through the commits, the read models come out the same.
        environment["Marten__RebuildPageSize"] = "50";
        output.WriteLine(await HostCommand.RunAsync(AppContext.BaseDirectory, environment, "replay", "verify"));
        output.WriteLine($"replayed in {writing.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>Asks both processes the same question; the answers must be byte for byte the same.</summary>
    private static async Task<JsonNode> SameFromBothAsync(HostProcess[] hosts, string path)
    {
        var answers = await Task.WhenAll(hosts.Select(async h =>
        {
            using var response = await h.Client.GetAsync(path);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
            return text;
        }));
        Assert.Equal(answers[0], answers[1]);
        return JsonNode.Parse(answers[0])!;
    }
}
