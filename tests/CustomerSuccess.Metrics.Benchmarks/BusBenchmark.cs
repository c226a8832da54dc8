using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.SampleBook;
using RabbitMQ.Client;

namespace CustomerSuccess.Metrics.Benchmarks;

internal sealed record BusResult(Throughput Bus, TimeSpan Publishing, Throughput HttpBatches, int Events, Latency Visible, Throughput Steady);

/// <summary>
/// Contract events over RabbitMQ, into an API process of its own configured with a broker and a fresh queue: (a) a book of
/// its own published by <see cref="Publishers"/> concurrent plain AMQP publishers, one event a message, each owning its
/// customers and publishing their events in publish order, timed from the first publish until the last event can be read
/// back; beside it the same book, under other identifiers, sent over HTTP in batches of 1,000 by one client to the same
/// API. (b) A steady <see cref="SteadyRate"/> events a second for <see cref="SteadyFor"/>, every <see cref="MarkerEvery"/>th
/// the signing of a new customer, timed from its publish until the API's figure for that customer shows it.
/// </summary>
internal sealed class BusBenchmark(string repository, DatabaseServer server, string schema, MessageBroker broker, TextWriter log)
{
    public const int Publishers = 4;
    public const int Customers = 3_000;
    public const int SteadyRate = 500;
    public const int MarkerEvery = 25;
    public const int WarmUpEvents = 1_000;
    public static readonly TimeSpan SteadyFor = TimeSpan.FromSeconds(20);

    /// <summary>Publishes awaiting the broker's confirm at once, per publisher.</summary>
    private const int InFlight = 256;

    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(5);

    public async Task<BusResult> RunAsync(CancellationToken cancellation)
    {
        var queue = $"csm.benchmark.{Guid.NewGuid():N}";
        var factory = new ConnectionFactory { Uri = new Uri(broker.Uri) };
        await using var api = await ApiProcess.StartAsync(repository, server.ConnectionString, schema, log, cancellation,
            new Dictionary<string, string> { ["ConnectionStrings__RabbitMq"] = broker.Uri, ["Messaging__ContractEventsQueue"] = queue });
        try
        {
            var book = SampleBookGenerator.Generate(SampleBookOptions.Small with { Customers = Customers, Seed = 11 });
            log.WriteLine($"Bus: {book.Count:N0} events of {Customers:N0} customers, over HTTP in batches and from {Publishers} AMQP publishers");

            // Both paths warmed up first, on copies of the book's first events, so neither pays for JIT in the figures.
            var warmUp = book.Take(WarmUpEvents).ToList();
            await PostBatchesAsync(api, warmUp.Select(e => BookCopy.Prefixed(e, "hw-")).ToList(), cancellation);
            await IngestOverTheBusAsync(api, factory, queue, BookCopy.Partition(warmUp, "bw-", Publishers), cancellation);

            var http = await PostBatchesAsync(api, book.Select(e => BookCopy.Prefixed(e, "hb-")).ToList(), cancellation);
            log.WriteLine($"Bus: HTTP batches {http}");
            var (bus, publishing) = await IngestOverTheBusAsync(api, factory, queue, BookCopy.Partition(book, "bb-", Publishers), cancellation);
            log.WriteLine($"Bus: {Publishers} publishers {bus} (all published after {Format.Duration(publishing)})");

            var (visible, steady) = await MeasureLatencyAsync(api, factory, queue, book, cancellation);
            log.WriteLine($"Bus: at {steady}, publish to visible {visible}, p99 {Format.Duration(visible.P99)}");

            await EnsureNothingRefusedAsync(api, cancellation);
            return new BusResult(bus, publishing, http, book.Count, visible, steady);
        }
        finally
        {
            await using var connection = await factory.CreateConnectionAsync(CancellationToken.None);
            await using var channel = await connection.CreateChannelAsync(cancellationToken: CancellationToken.None);
            await channel.QueueDeleteAsync(queue, cancellationToken: CancellationToken.None);
        }
    }

    private static async Task<Throughput> PostBatchesAsync(ApiProcess api, IReadOnlyList<string> events, CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        foreach (var chunk in events.Chunk(PublishedBook.BatchSize))
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes("[" + string.Join(",", chunk) + "]"));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var response = await api.Client.PostAsync("/api/v1/events", content, cancellation);
            var text = await response.Content.ReadAsStringAsync(cancellation);
            var appended = response.IsSuccessStatusCode
                ? JsonNode.Parse(text)?["results"]?.AsArray().Count(r => r?["status"]?.GetValue<string>() == "appended") ?? 0
                : 0;
            if (appended != chunk.Length)
            {
                throw new InvalidOperationException(
                    $"The API appended {appended} of {chunk.Length} events ({(int)response.StatusCode}): {Report.Shorten(text, 2000)}\n{api.RecentOutput()}");
            }
        }

        return new Throughput(events.Count, stopwatch.Elapsed);
    }

    /// <summary>
    /// Publishes every part at once, one publisher each, and waits until every event is in the store: first until each
    /// publisher's last contract event reads back through the API (a customer's history holds no signals), then until the
    /// store holds them all.
    /// </summary>
    private async Task<(Throughput Ingest, TimeSpan Publishing)> IngestOverTheBusAsync(
        ApiProcess api, ConnectionFactory factory, string queue, IReadOnlyList<List<string>> parts, CancellationToken cancellation)
    {
        var events = parts.Sum(p => p.Count);
        var expected = await EventsInStoreAsync(cancellation) + events;
        var lastOfEach = parts.Select(p => p.Select(e => JsonNode.Parse(e)!).LastOrDefault(e => e["contractId"] is not null))
            .OfType<JsonNode>().Select(e => (Customer: e["customerId"]!.GetValue<string>(), EventId: e["eventId"]!.GetValue<string>())).ToList();

        var stopwatch = Stopwatch.StartNew();
        var publishing = Task.WhenAll(parts.Select(part => Task.Run(() => PublishAsync(factory, queue, part, cancellation), cancellation)));
        var published = TimeSpan.Zero;
        var pending = lastOfEach.ToList();
        while (true)
        {
            if (published == TimeSpan.Zero && publishing.IsCompleted)
            {
                await publishing;
                published = stopwatch.Elapsed;
            }

            if (pending.Count > 0)
            {
                var (customer, eventId) = pending[0];
                if (await HasEventAsync(api, customer, eventId, cancellation))
                {
                    pending.RemoveAt(0);
                    continue;
                }
            }
            else if (await EventsInStoreAsync(cancellation) >= expected)
            {
                break;
            }

            if (stopwatch.Elapsed > Patience)
            {
                throw new TimeoutException($"After {Patience.TotalMinutes} minutes the bus had not recorded all {events:N0} events.\n{api.RecentOutput()}");
            }

            await Task.Delay(10, cancellation);
        }

        var elapsed = stopwatch.Elapsed;
        await publishing;
        return (new Throughput(events, elapsed), published == TimeSpan.Zero ? elapsed : published);
    }

    /// <summary>One plain AMQP publisher: its own connection, persistent messages without headers, confirmed by the broker.</summary>
    private static async Task PublishAsync(ConnectionFactory factory, string queue, IReadOnlyList<string> events, CancellationToken cancellation)
    {
        await using var connection = await factory.CreateConnectionAsync(cancellation);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellation);
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" };
        foreach (var chunk in events.Chunk(InFlight))
        {
            await Task.WhenAll(chunk.Select(e =>
                channel.BasicPublishAsync("", queue, true, properties, Encoding.UTF8.GetBytes(e), cancellation).AsTask()));
        }
    }

    /// <summary>
    /// Publishes the book's first events at a steady rate from one publisher, with the signing of a new customer in place
    /// of every <see cref="MarkerEvery"/>th, while one reader asks the API for the oldest marker not yet seen, again and
    /// again, and takes the time from its publish to the first answer that shows it.
    /// </summary>
    private async Task<(Latency Visible, Throughput Steady)> MeasureLatencyAsync(
        ApiProcess api, ConnectionFactory factory, string queue, IReadOnlyList<JsonObject> book, CancellationToken cancellation)
    {
        var total = (int)(SteadyRate * SteadyFor.TotalSeconds);
        var markers = total / MarkerEvery;
        var filler = book.Take(total - markers).Select(e => BookCopy.Prefixed(e, "bl-")).ToList();
        var messages = new List<(string Body, int Marker)>(total);
        for (int i = 0, f = 0; i < total; i++)
        {
            messages.Add(i % MarkerEvery == MarkerEvery - 1 ? (Marker(i / MarkerEvery), i / MarkerEvery) : (filler[f++], -1));
        }

        var publishedAt = new long[markers];
        Array.Fill(publishedAt, -1);
        var clock = Stopwatch.StartNew();
        var publishing = Task.Run(async () =>
        {
            await using var connection = await factory.CreateConnectionAsync(cancellation);
            await using var channel = await connection.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellation);
            var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" };
            // Confirms are awaited at the end, so that a slow confirm never holds the rate back.
            var confirms = new List<Task>(messages.Count);
            var start = clock.Elapsed;
            for (var i = 0; i < messages.Count; i++)
            {
                var wait = start + TimeSpan.FromSeconds((double)i / SteadyRate) - clock.Elapsed;
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, cancellation);
                }

                var (body, marker) = messages[i];
                if (marker >= 0)
                {
                    Volatile.Write(ref publishedAt[marker], clock.ElapsedTicks);
                }

                confirms.Add(channel.BasicPublishAsync("", queue, true, properties, Encoding.UTF8.GetBytes(body), cancellation).AsTask());
            }

            var rate = new Throughput(messages.Count, clock.Elapsed - start);
            await Task.WhenAll(confirms);
            return rate;
        }, cancellation);

        var latencies = new List<TimeSpan>(markers);
        while (latencies.Count < markers)
        {
            var published = Volatile.Read(ref publishedAt[latencies.Count]);
            if (published >= 0 && await ShowsMarkerAsync(api, latencies.Count, cancellation))
            {
                latencies.Add(TimeSpan.FromSeconds((double)(clock.ElapsedTicks - published) / Stopwatch.Frequency));
                continue;
            }

            if (clock.Elapsed > SteadyFor + Patience)
            {
                throw new TimeoutException($"Marker {latencies.Count} of {markers} was not visible in time.\n{api.RecentOutput()}");
            }

            await Task.Delay(published >= 0 ? 5 : 1, cancellation);
        }

        return (new Latency(latencies), await publishing);
    }

    private static string MarkerCustomer(int marker) => $"bm-{marker}";

    private static decimal MarkerArr(int marker) => 1_000m + marker;

    private static string Marker(int marker)
    {
        var customer = MarkerCustomer(marker);
        return string.Create(CultureInfo.InvariantCulture,
            $$$"""{"eventId":"{{{customer}}}","type":"contract.signed","customerId":"{{{customer}}}","contractId":"{{{customer}}}-c1","effectiveDate":"2025-01-01","arr":{{{MarkerArr(marker)}}},"termEndDate":"2025-12-31","product":"core","customer":{"name":"Marker {{{marker}}}","segment":"smb","csm":"dana"}}""");
    }

    private static async Task<bool> ShowsMarkerAsync(ApiProcess api, int marker, CancellationToken cancellation)
    {
        using var response = await api.Client.GetAsync($"/api/v1/customers/{MarkerCustomer(marker)}?asOf=2100-01-01", cancellation);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        var text = await response.Content.ReadAsStringAsync(cancellation);
        var arr = response.IsSuccessStatusCode ? JsonNode.Parse(text)?["arr"]?.GetValue<decimal>() : null;
        return arr == MarkerArr(marker)
            ? true
            : throw new InvalidOperationException($"Marker {marker}: {(int)response.StatusCode} {Report.Shorten(text, 500)}");
    }

    private static async Task<bool> HasEventAsync(ApiProcess api, string customer, string eventId, CancellationToken cancellation)
    {
        using var response = await api.Client.GetAsync($"/api/v1/customers/{customer}/events", cancellation);
        if (!response.IsSuccessStatusCode)
        {
            return false;
        }

        var events = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellation))?["events"]?.AsArray() ?? [];
        return events.Any(e => e?["eventId"]?.GetValue<string>() == eventId);
    }

    private async Task<long> EventsInStoreAsync(CancellationToken cancellation) =>
        long.Parse(await server.ScalarTextAsync($"select count(*) from {schema}.mt_events", cancellation), CultureInfo.InvariantCulture);

    private static async Task EnsureNothingRefusedAsync(ApiProcess api, CancellationToken cancellation)
    {
        using var response = await api.Client.GetAsync("/api/v1/dead-letters", cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        if (!response.IsSuccessStatusCode || JsonNode.Parse(text)?["total"]?.GetValue<long>() != 0)
        {
            throw new InvalidOperationException($"The bus refused messages it should have recorded: {Report.Shorten(text, 2000)}");
        }
    }
}
