using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.Recording;
using Marten;
using NodaTime;
using NodaTime.Text;
using Npgsql;
using NpgsqlTypes;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>Marten direct and COPY are null when the book was loaded over HTTP alone.</summary>
internal sealed record IngestResult(
    Throughput Http,
    Throughput? MartenDirect,
    Throughput? Copy,
    IReadOnlyList<TimeSpan> FirstBatch,
    Instant MiddleRecordedAt,
    int Batches);

/// <summary>
/// Publishes the book three ways into three fresh schemas, batch by batch, side by side: through the API over
/// HTTP, appended straight to Marten with the host's store configuration, and COPY'd into a plain table. The
/// three take turns going first in each batch, so the machine's noise falls on all of them alike. With
/// <c>httpOnly</c> the book only goes to the API, to load it for a scenario that reads it.
/// </summary>
internal sealed class IngestBenchmark(PublishedBook book, ApiProcess api, DatabaseServer server, Schemas schemas, TextWriter log)
{
    public async Task<IngestResult> RunAsync(bool httpOnly, CancellationToken cancellation)
    {
        // The host's data source settings (prepared statements, planner costs) with the host's store configuration.
        await using var martenDataSource = MetricsStore.BuildDataSource(server.ConnectionString);
        using var martenStore = httpOnly ? null : await OpenStoreAsync(martenDataSource, schemas.MartenDirect);
        if (!httpOnly)
        {
            await server.ExecuteAsync(
                $"create schema {schemas.Copy}; create table {schemas.Copy}.raw_events (event_id varchar not null, stream_key varchar not null, " +
                "type varchar not null, effective_date date, data text not null)", cancellation);
        }

        var pathCount = httpOnly ? 1 : 3;
        var totals = new TimeSpan[pathCount];
        var firstBatch = new TimeSpan[pathCount];
        var counted = 0L;
        var middle = book.BatchCount / 2;
        Instant? middleRecordedAt = null;
        var stamps = new RisingStamp();

        for (var index = 0; index < book.BatchCount; index++)
        {
            var batch = book.Batch(index);
            var paths = new List<Func<Task<TimeSpan>>>
            {
                async () =>
                {
                    var (elapsed, recordedAt) = await PostAsync(batch, cancellation);
                    if (index == middle)
                    {
                        middleRecordedAt = recordedAt;
                    }

                    return elapsed;
                },
            };
            if (martenStore is not null)
            {
                var events = Parse(batch, index);
                paths.Add(() => AppendAsync(martenStore, batch, events, stamps.Next(), cancellation));
                paths.Add(() => CopyAsync(batch, cancellation));
            }

            for (var turn = 0; turn < pathCount; turn++)
            {
                var path = (index + turn) % pathCount;
                var elapsed = await paths[path]();
                // The first batch pays for code generation and JIT in the API and in process: a one-off, not throughput.
                if (index == 0)
                {
                    firstBatch[path] = elapsed;
                }
                else
                {
                    totals[path] += elapsed;
                }
            }

            if (index > 0)
            {
                counted += batch.Rows.Count;
            }

            if (index == 0)
            {
                log.WriteLine($"Ingest batch 1/{book.BatchCount} (not counted): HTTP {Format.Duration(firstBatch[0])}" +
                              (httpOnly ? "" : $", Marten direct {Format.Duration(firstBatch[1])}, COPY {Format.Duration(firstBatch[2])}"));
            }
            else if (index % Math.Max(1, book.BatchCount / 20) == 0 || index == book.BatchCount - 1)
            {
                log.WriteLine($"Ingest batch {index + 1}/{book.BatchCount}: HTTP {new Throughput(counted, totals[0])}" +
                              (httpOnly ? "" : $", Marten direct {new Throughput(counted, totals[1])}, COPY {new Throughput(counted, totals[2])}"));
            }
        }

        await CheckCountsAsync(httpOnly ? [$"{schemas.Http}.mt_events"] : [$"{schemas.Http}.mt_events", $"{schemas.MartenDirect}.mt_events", $"{schemas.Copy}.raw_events"], cancellation);
        return new IngestResult(
            new Throughput(counted, totals[0]),
            httpOnly ? null : new Throughput(counted, totals[1]),
            httpOnly ? null : new Throughput(counted, totals[2]),
            firstBatch, middleRecordedAt ?? throw new InvalidOperationException("The middle batch reported no recordedAt."),
            book.BatchCount);
    }

    private static IReadOnlyList<Events.IPublishedEvent> Parse(BookBatch batch, int index)
    {
        using var document = JsonDocument.Parse(batch.Body);
        var parsed = EventParser.Parse(document.RootElement);
        return parsed.IsValid
            ? parsed.Events
            : throw new InvalidOperationException(
                $"Batch {index} does not parse: {string.Join("; ", parsed.Errors.Select(e => $"{e.Key} {string.Join(", ", e.Value)}"))}");
    }

    /// <summary>A document store laid out exactly as the host lays out its own, on one schema.</summary>
    private static async Task<DocumentStore> OpenStoreAsync(NpgsqlDataSource dataSource, string schema)
    {
        var options = new StoreOptions();
        options.Connection(dataSource);
        MetricsStore.Configure(options, schema);
        var store = new DocumentStore(options);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return store;
    }

    private async Task<(TimeSpan Elapsed, Instant? RecordedAt)> PostAsync(BookBatch batch, CancellationToken cancellation)
    {
        var content = new ByteArrayContent(batch.Body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var stopwatch = Stopwatch.StartNew();
        using var response = await api.Client.PostAsync("/api/v1/events", content, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        stopwatch.Stop();

        var body = response.IsSuccessStatusCode ? JsonNode.Parse(text) : null;
        var appended = body?["results"]?.AsArray().Count(r => r?["status"]?.GetValue<string>() == RecordStatus.Appended) ?? 0;
        if (appended != batch.Rows.Count)
        {
            throw new InvalidOperationException(
                $"The API did not append batch {batch.Index} ({(int)response.StatusCode}, {appended} of {batch.Rows.Count} appended): " +
                $"{text[..Math.Min(text.Length, 2000)]}\n{api.RecentOutput()}");
        }

        var recordedAt = body!["recordedAt"]?.GetValue<string>();
        return (stopwatch.Elapsed, recordedAt is null ? null : InstantPattern.ExtendedIso.Parse(recordedAt).Value);
    }

    /// <summary>
    /// Straight to Marten: every event to its stream, one SaveChanges per batch. Each batch is stamped with its
    /// own recorded instant, as the host stamps a request, because the inline projection reads it.
    /// </summary>
    private static async Task<TimeSpan> AppendAsync(
        DocumentStore store, BookBatch batch, IReadOnlyList<Events.IPublishedEvent> events, DateTimeOffset stamp, CancellationToken cancellation)
    {
        var streams = new Dictionary<string, List<object>>(StringComparer.Ordinal);
        for (var i = 0; i < events.Count; i++)
        {
            var key = batch.Rows[i].StreamKey;
            if (!streams.TryGetValue(key, out var stream))
            {
                streams[key] = stream = [];
            }

            stream.Add(events[i]);
        }

        var stopwatch = Stopwatch.StartNew();
        await using var session = store.LightweightSession();
        foreach (var (key, stream) in streams)
        {
            var action = session.Events.Append(key, stream);
            foreach (var e in action.Events)
            {
                e.Timestamp = stamp;
            }
        }

        await session.SaveChangesAsync(cancellation);
        return stopwatch.Elapsed;
    }

    private async Task<TimeSpan> CopyAsync(BookBatch batch, CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var connection = await server.DataSource.OpenConnectionAsync(cancellation);
        await using (var writer = await connection.BeginBinaryImportAsync(
                         $"copy {schemas.Copy}.raw_events (event_id, stream_key, type, effective_date, data) from stdin (format binary)",
                         cancellation))
        {
            foreach (var row in batch.Rows)
            {
                await writer.StartRowAsync(cancellation);
                await writer.WriteAsync(row.EventId, NpgsqlDbType.Varchar, cancellation);
                await writer.WriteAsync(row.StreamKey, NpgsqlDbType.Varchar, cancellation);
                await writer.WriteAsync(row.Type, NpgsqlDbType.Varchar, cancellation);
                if (row.EffectiveDate is { } date)
                {
                    await writer.WriteAsync(date, NpgsqlDbType.Date, cancellation);
                }
                else
                {
                    await writer.WriteNullAsync(cancellation);
                }

                await writer.WriteAsync(row.Json, NpgsqlDbType.Text, cancellation);
            }

            await writer.CompleteAsync(cancellation);
        }

        return stopwatch.Elapsed;
    }

    private async Task CheckCountsAsync(IEnumerable<string> tables, CancellationToken cancellation)
    {
        foreach (var table in tables)
        {
            var count = long.Parse(await server.ScalarTextAsync($"select count(*) from {table}", cancellation), System.Globalization.CultureInfo.InvariantCulture);
            if (count != book.EventCount)
            {
                throw new InvalidOperationException($"{table} holds {count} events; the book has {book.EventCount}.");
            }
        }
    }

    /// <summary>Recorded instants that rise strictly from batch to batch, to the microsecond PostgreSQL keeps.</summary>
    private sealed class RisingStamp
    {
        private DateTimeOffset _last = DateTimeOffset.MinValue;

        public DateTimeOffset Next()
        {
            var now = DateTimeOffset.UtcNow;
            now = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMicrosecond, TimeSpan.Zero);
            _last = now > _last ? now : _last.AddTicks(TimeSpan.TicksPerMicrosecond);
            return _last;
        }
    }
}
