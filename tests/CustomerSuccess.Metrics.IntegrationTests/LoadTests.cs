using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using NodaTime;
using NodaTime.Text;
using Xunit.Abstractions;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// A bounded load on one API process over loopback: many publishers send batches at once, some changing the same
/// customers, some resending batches already acknowledged, while readers ask for ARR, bridges and retention with varying
/// dates, intervals and knowledge instants. It measures events and reads per second, latency per endpoint and the
/// process's peak resident memory (printed, and written to <c>CSM_TEST_ARTIFACTS</c> when set), and asserts correctness
/// alone: every answer 200, every acknowledged event stored once, and every figure read, the final ARR among them,
/// equal to what the events appended by the answer's knownAt imply. The load lasts <c>CSM_LOAD_TEST_SECONDS</c>
/// (default 60).
/// </summary>
[Collection(Collection)]
public class LoadTests(ITestOutputHelper output)
{
    /// <summary>Run alone, so that other tests neither share its load nor disturb its measurements.</summary>
    public const string Collection = "load";

    private const int Publishers = 16;
    private const int Readers = 8;
    private const int SharedCustomers = 200;
    private const int SignsPerBatch = 25;
    private const int OwnChangesPerBatch = 5;
    private const int SharedChangesPerBatch = 10;
    private const int ResendEvery = 8;

    private const string Post = "POST /api/v1/events";
    private const string Arr = "GET /api/v1/arr";
    private const string Bridge = "GET /api/v1/metrics/bridge";
    private const string Retention = "GET /api/v1/metrics/retention";

    private static readonly TimeSpan HostStart = TimeSpan.FromSeconds(60);
    private static readonly LocalDatePattern Iso = LocalDatePattern.Iso;
    private static readonly string[] Intervals = ["", "week", "month", "quarter"];

    private static TimeSpan LoadDuration =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable("CSM_LOAD_TEST_SECONDS"), CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : 60);

    [Fact]
    public async Task concurrent_publishers_and_readers_lose_nothing_double_nothing_and_read_the_figures_sent()
    {
        var schema = $"t_{Guid.NewGuid():N}"[..20];
        var book = new SentBook();
        await using var host = await HostProcess.StartAsync(SentBook.HostEnvironment(schema), HostStart);
        try
        {
            await LoadAndCheckAsync(host, book, schema);
        }
        catch
        {
            output.WriteLine($"process {host.Id}:\n{host.RecentOutput()}");
            throw;
        }
    }

    private async Task LoadAndCheckAsync(HostProcess host, SentBook book, string schema)
    {
        var shared = Enumerable.Range(0, SharedCustomers).Select(s => $"ld-shared-{s}").ToArray();
        await book.SendAsync(host.Client, [.. shared.Select((c, s) => SentChange.Signed($"{c}-signed", c, SentBook.Signing, 1_000_000m + s))]);

        var seeded = book.Appended;
        var latencies = new ConcurrentDictionary<string, ConcurrentQueue<TimeSpan>>();
        var reads = new ConcurrentQueue<(string Endpoint, JsonNode Answer)>();
        var resent = 0;
        var duration = LoadDuration;
        var loadAverage = LoadAverage();
        var elapsed = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(duration);

        var publishing = Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
        {
            var random = new Random(p);
            var sent = new List<SentChange[]>();
            var own = new List<string>();
            for (var b = 0; !stop.IsCancellationRequested; b++)
            {
                var prefix = $"ld-{p}-{b}";
                var batch = new List<SentChange>();
                // Changes of this publisher's own customers signed in earlier batches, and of the customers all share.
                if (own.Count > 0)
                {
                    batch.AddRange(Enumerable.Range(0, OwnChangesPerBatch).Select(e =>
                        SentBook.ChangeAfterSigning($"{prefix}-o{e}", own[random.Next(own.Count)], random.Next(1, 301), random.Next(1, 100))));
                }

                batch.AddRange(Enumerable.Range(0, SharedChangesPerBatch).Select(e =>
                    SentBook.ChangeAfterSigning($"{prefix}-s{e}", shared[random.Next(SharedCustomers)], random.Next(1, 301), random.Next(1, 100))));
                batch.AddRange(Enumerable.Range(0, SignsPerBatch)
                    .Select(e => SentChange.Signed($"{prefix}-{e}", $"{prefix}-{e}", SentBook.Signing, 1_000m + random.Next(9_000))));

                var (_, took) = await book.SendAsync(host.Client, batch);
                Note(latencies, Post, took);
                sent.Add([.. batch]);
                own.AddRange(batch.Where(c => c.Kind == ChangeKind.Signed).Select(c => c.CustomerId));

                if (b % ResendEvery == ResendEvery - 1)
                {
                    // An acknowledged batch again, with the same eventIds: nothing of it may be appended twice.
                    var (again, tookAgain) = await book.SendAsync(host.Client, sent[random.Next(sent.Count)]);
                    Note(latencies, Post, tookAgain);
                    Assert.All(again["results"]!.AsArray(), r => Assert.Equal("duplicate", r!["status"]!.GetValue<string>()));
                    Interlocked.Increment(ref resent);
                }
            }
        }));

        var reading = Enumerable.Range(0, Readers).Select(r => Task.Run(async () =>
        {
            var random = new Random(1_000 + r);
            for (var n = r; !stop.IsCancellationRequested; n++)
            {
                // Now, or an explicit instant up to half a minute ago.
                var knownAt = random.Next(3) == 0
                    ? "&knownAt=" + InstantPattern.ExtendedIso.Format(SystemClock.Instance.GetCurrentInstant() - Duration.FromMilliseconds(random.Next(30_000)))
                    : "";
                var from = new LocalDate(2024, 1, 1).PlusMonths(random.Next(-2, 11));
                var to = from.PlusMonths(random.Next(1, 7)).PlusDays(-1);
                var (endpoint, path) = (n % 3) switch
                {
                    0 => (Arr, $"/api/v1/arr?asOf={Iso.Format(SentBook.Signing.PlusDays(random.Next(-30, 340)))}{knownAt}"),
                    1 => (Bridge, $"/api/v1/metrics/bridge?from={Iso.Format(from)}&to={Iso.Format(to)}{knownAt}" +
                                  (Intervals[random.Next(Intervals.Length)] is { Length: > 0 } interval ? $"&interval={interval}" : "")),
                    _ => random.Next(4) == 0
                        ? (Retention, $"/api/v1/metrics/retention?asOf={Iso.Format(to)}{knownAt}")
                        : (Retention, $"/api/v1/metrics/retention?from={Iso.Format(from)}&to={Iso.Format(to)}{knownAt}"),
                };

                var stopwatch = Stopwatch.StartNew();
                using var response = await host.Client.GetAsync(path);
                var text = await response.Content.ReadAsStringAsync();
                Note(latencies, endpoint, stopwatch.Elapsed);
                Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
                reads.Enqueue((endpoint, JsonNode.Parse(text)!));
            }
        }));

        await Task.WhenAll([.. publishing, .. reading]);
        var seconds = elapsed.Elapsed.TotalSeconds;
        var appended = book.Appended - seeded;
        var peak = PeakResidentMegabytes(host.Id);
        Report(new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Load test: {seconds:F1} s on loopback against one API process, {Publishers} publishers, {Readers} readers, " +
                                                      $"{Environment.ProcessorCount} cores, load average {loadAverage} before and {LoadAverage()} after")
            .AppendLine(CultureInfo.InvariantCulture, $"events appended: {appended:N0}, {appended / seconds:N0} events/s, in {book.Instants.Count - 1:N0} requests that appended; " +
                                                      $"{resent} acknowledged batches resent, {book.Duplicates:N0} events answered as duplicates")
            .AppendLine(CultureInfo.InvariantCulture, $"reads: {reads.Count:N0}, {reads.Count / seconds:N1} reads/s")
            .AppendLine("endpoint | requests | p50 ms | p99 ms | max ms")
            .AppendJoin("", latencies.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => Latencies(l.Key, [.. l.Value])))
            .AppendLine(CultureInfo.InvariantCulture, $"peak resident memory of the API process (VmHWM): {peak:N0} MB")
            .ToString());

        book.AssertEveryAcknowledgedEventAppendedOnce();
        await book.AssertStoreAsync(schema);

        var final = JsonNode.Parse(await host.Client.GetStringAsync("/api/v1/arr?asOf=2024-12-31"))!;
        var known = book.KnownAt(book.Instants[^1]);
        Assert.Equal(known.Arr(new LocalDate(2024, 12, 31)), final["arr"]!.GetValue<decimal>());
        Assert.Equal(known.ActiveCustomers(new LocalDate(2024, 12, 31)), final["activeCustomers"]!.GetValue<int>());

        // Every figure read under load is the one the events appended by its knownAt give, whether asked for or settled.
        var wrong = new List<string>();
        var checkedFigures = 0;
        book.ForEachKnownAt(reads, r => InstantPattern.ExtendedIso.Parse(r.Answer["knownAt"]!.GetValue<string>()).Value, (read, days) =>
        {
            foreach (var (path, expected) in ExpectedFigures(read.Endpoint, read.Answer, days))
            {
                checkedFigures++;
                var node = path.Split('.').Aggregate((JsonNode?)read.Answer, (n, name) => n?[name]);
                if (node?.GetValue<decimal>() != expected)
                {
                    wrong.Add($"{read.Endpoint} {read.Answer.ToJsonString()}: {path} should be {expected?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
                }
            }
        });
        output.WriteLine($"{checkedFigures:N0} figures of {reads.Count:N0} reads checked against the events sent");
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {checkedFigures} figures differ from those the events sent imply:\n{string.Join('\n', wrong.Take(10))}");
    }

    /// <summary>The figures an answer must hold, worked out from the days known at its knownAt, for the dates it echoes.</summary>
    private static IEnumerable<(string Path, decimal? Expected)> ExpectedFigures(string endpoint, JsonNode answer, KnownDays days)
    {
        LocalDate Date(string field) => Iso.Parse(answer[field]!.GetValue<string>()).Value;

        switch (endpoint)
        {
            case Arr:
                yield return ("arr", days.Arr(Date("asOf")));
                yield return ("activeCustomers", days.ActiveCustomers(Date("asOf")));
                break;
            case Bridge:
                var (from, to) = (Date("from"), Date("to"));
                yield return ("summary.openingArr", days.Arr(from.PlusDays(-1)));
                yield return ("summary.newArr", days.Sum(ChangeKind.Signed, from, to));
                yield return ("summary.expansionArr", days.Sum(ChangeKind.Upsold, from, to));
                yield return ("summary.contractionArr", days.Sum(ChangeKind.Downsold, from, to));
                yield return ("summary.reactivationArr", 0m);
                yield return ("summary.churnArr", 0m);
                yield return ("summary.closingArr", days.Arr(to));
                break;
            default:
                var dayBefore = Date("from").PlusDays(-1);
                var cohort = days.ActiveCustomers(dayBefore);
                yield return ("cohortCustomers", cohort);
                yield return ("openingArr", days.Arr(dayBefore));
                // Nobody churns: the whole cohort is retained, when there is one.
                yield return ("logoRetention", cohort > 0 ? 1m : null);
                break;
        }
    }

    private static void Note(ConcurrentDictionary<string, ConcurrentQueue<TimeSpan>> latencies, string endpoint, TimeSpan took) =>
        latencies.GetOrAdd(endpoint, _ => new ConcurrentQueue<TimeSpan>()).Enqueue(took);

    private static string Latencies(string endpoint, TimeSpan[] took)
    {
        Array.Sort(took);
        double Percentile(double p) => took[(int)Math.Ceiling(p * took.Length) - 1].TotalMilliseconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"{endpoint} | {took.Length:N0} | {Percentile(0.50):F1} | {Percentile(0.99):F1} | {took[^1].TotalMilliseconds:F1}\n");
    }

    /// <summary>The process's peak resident set (VmHWM in /proc), in MB.</summary>
    private static double PeakResidentMegabytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }

    /// <summary>The machine's load average over the last minute.</summary>
    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    /// <summary>Prints the measurements, and writes them to <c>load-test.txt</c> under <c>CSM_TEST_ARTIFACTS</c> when it is set.</summary>
    private void Report(string text)
    {
        output.WriteLine(text);
        if (Environment.GetEnvironmentVariable("CSM_TEST_ARTIFACTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "load-test.txt"), text);
        }
    }
}

[CollectionDefinition(LoadTests.Collection, DisableParallelization = true)]
public sealed class LoadTestsCollection;
