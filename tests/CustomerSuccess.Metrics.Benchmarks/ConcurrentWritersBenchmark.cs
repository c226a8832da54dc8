using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.SampleBook;

namespace CustomerSuccess.Metrics.Benchmarks;

internal sealed record ConcurrentWritersResult(Throughput Batches, Throughput SingleEvents, Latency SingleEventLatency, int Clients, int Customers);

/// <summary>
/// Many small writers against one writer of large batches, on the same API in the same run: a book of its own is
/// published twice, under two prefixes so that neither copy sees the other: once in batches of 1,000 by one
/// client, once one event a request by <see cref="Clients"/> concurrent clients, each owning its customers and
/// sending their events in publish order.
/// </summary>
internal sealed class ConcurrentWritersBenchmark(ApiProcess api, TextWriter log)
{
    public const int Clients = 16;
    public const int Customers = 3_000;

    public async Task<ConcurrentWritersResult> RunAsync(CancellationToken cancellation)
    {
        var book = SampleBookGenerator.Generate(SampleBookOptions.Small with { Customers = Customers, Seed = 7 });
        log.WriteLine($"Concurrent writers: {book.Count:N0} events of {Customers:N0} customers, in batches and from {Clients} single-event clients");

        var batched = book.Select(e => BookCopy.Prefixed(e, "wb-")).ToList();
        var stopwatch = Stopwatch.StartNew();
        foreach (var chunk in batched.Chunk(PublishedBook.BatchSize))
        {
            await PostAsync("[" + string.Join(",", chunk) + "]", chunk.Length, cancellation);
        }

        var batches = new Throughput(batched.Count, stopwatch.Elapsed);
        log.WriteLine($"Concurrent writers: batches {batches}");

        var owned = BookCopy.Partition(book, "ws-", Clients);
        var latencies = new ConcurrentBag<TimeSpan>();
        stopwatch.Restart();
        await Task.WhenAll(owned.Select(events => Task.Run(async () =>
        {
            foreach (var e in events)
            {
                latencies.Add(await PostAsync(e, 1, cancellation));
            }
        }, cancellation)));
        var singles = new Throughput(book.Count, stopwatch.Elapsed);
        var latency = new Latency([.. latencies]);
        log.WriteLine($"Concurrent writers: {Clients} single-event clients {singles}, {latency}, p99 {Format.Duration(latency.P99)}");
        return new ConcurrentWritersResult(batches, singles, latency, Clients, Customers);
    }

    private async Task<TimeSpan> PostAsync(string body, int events, CancellationToken cancellation)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var stopwatch = Stopwatch.StartNew();
        using var response = await api.Client.PostAsync("/api/v1/events", content, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        stopwatch.Stop();
        var appended = response.IsSuccessStatusCode
            ? JsonNode.Parse(text)?["results"]?.AsArray().Count(r => r?["status"]?.GetValue<string>() == "appended") ?? 0
            : 0;
        if (appended != events)
        {
            throw new InvalidOperationException(
                $"The API appended {appended} of {events} events ({(int)response.StatusCode}): {text[..Math.Min(text.Length, 2000)]}\n{api.RecentOutput()}");
        }

        return stopwatch.Elapsed;
    }
}
