using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.Recording;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// One export read in full over loopback: how long it took and how soon it began, what it held, the API's CPU time
/// over it, and the API's resident set in the second before (idle) and during it.
/// </summary>
internal sealed record ExportMeasurement(
    string Title,
    long Rows,
    long Bytes,
    TimeSpan Elapsed,
    TimeSpan Began,
    TimeSpan ApiProcessorTime,
    long IdleResident,
    long SampledPeak,
    int Samples,
    long KernelPeak)
{
    public double RowsPerSecond => Rows / Elapsed.TotalSeconds;

    public double MegabytesPerSecond => Bytes / 1e6 / Elapsed.TotalSeconds;

    /// <summary>The higher of the sampled peak and the kernel's, which counts every page however short the peak.</summary>
    public long Peak => Math.Max(SampledPeak, KernelPeak);

    public long Growth => Peak - IdleResident;
}

/// <summary>The event log's columns written as CSV by PostgreSQL itself and read through Npgsql, before and after the API's export.</summary>
internal sealed record ExportFloor(TimeSpan Elapsed, long Rows, long Bytes)
{
    public double RowsPerSecond => Rows / Elapsed.TotalSeconds;

    public double MegabytesPerSecond => Bytes / 1e6 / Elapsed.TotalSeconds;
}

internal sealed record ExportResults(
    ExportMeasurement ChurnJson,
    ExportMeasurement ChurnCsv,
    ExportMeasurement ExplainJson,
    ExportMeasurement ExplainCsv,
    ExportMeasurement EventLogCsv,
    ExportMeasurement EventLogJson,
    ExportFloor Floor,
    long StoredEvents,
    IReadOnlyList<string> Agreed,
    IReadOnlyList<string> Differences);

/// <summary>
/// The streamed exports of the book the API holds, one at a time, each read as it arrives and counted, never held
/// whole: the churn audit of a year and ARR taken apart (each as JSON and CSV), then the whole event log (CSV against
/// PostgreSQL's own CSV of the same columns, then JSON). The API's resident set is read every 50 ms through each.
/// </summary>
internal sealed class ExportBenchmark(ApiProcess api, DatabaseServer server, string schema, TextWriter log)
{
    public const string ChurnPath = "/api/v1/audit/churn?from=2025-01-01&to=2025-12-31";
    public const string ExplainPath = "/api/v1/explain/arr?asOf=2025-06-30";
    public const string EventLogPath = "/api/v1/audit/events";
    public static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan IdleSpan = TimeSpan.FromSeconds(1);

    private const string BridgePath = "/api/v1/metrics/bridge?from=2025-01-01&to=2025-12-31";
    private const string ArrPath = "/api/v1/arr?asOf=2025-06-30";
    private const string Csv = "format=csv";

    public async Task<ExportResults> RunAsync(CancellationToken cancellation)
    {
        var storedEvents = long.Parse(await server.ScalarTextAsync($"select count(*) from {schema}.mt_events", cancellation), CultureInfo.InvariantCulture);
        var firstRecorded = await server.ScalarTextAsync(
            $"select to_char(min(timestamp) at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') from {schema}.mt_events", cancellation);

        // Each endpoint once on a narrow question first, so that no export measured pays for compiling its code.
        log.WriteLine("Exports: warming up each endpoint on a narrow question");
        foreach (var path in (string[])[
                     "/api/v1/audit/churn?from=2025-01-01&to=2025-01-31", "/api/v1/explain/arr?asOf=2021-01-31",
                     $"{EventLogPath}?knownAt={Uri.EscapeDataString(firstRecorded)}"])
        {
            await ReadAsync(path, new JsonShape(), cancellation);
            await ReadAsync($"{path}&{Csv}", new CsvRowCounter(), cancellation);
        }

        var (churnJson, churnShape) = await MeasureAsync("churn audit 2025, JSON", ChurnPath, new JsonShape(), cancellation);
        var (churnCsv, _) = await MeasureAsync("churn audit 2025, CSV", $"{ChurnPath}&{Csv}", new CsvRowCounter(), cancellation);
        var (explainJson, explainShape) = await MeasureAsync("explain ARR 2025-06-30, JSON", ExplainPath, new JsonShape(), cancellation);
        var (explainCsv, _) = await MeasureAsync("explain ARR 2025-06-30, CSV", $"{ExplainPath}&{Csv}", new CsvRowCounter(), cancellation);
        var floorBefore = await FloorAsync(cancellation);
        var (eventLogCsv, _) = await MeasureAsync("event log, CSV", $"{EventLogPath}?{Csv}", new CsvRowCounter(), cancellation);
        var floorAfter = await FloorAsync(cancellation);
        var (eventLogJson, eventLogShape) = await MeasureAsync("event log, JSON", EventLogPath, new JsonShape(), cancellation);
        var floor = new ExportFloor((floorBefore.Elapsed + floorAfter.Elapsed) / 2, floorAfter.Rows, floorAfter.Bytes);

        var bridge = await GetJsonAsync(BridgePath, cancellation);
        var arr = await GetJsonAsync(ArrPath, cancellation);
        var checks = new List<(string Check, string? Difference)>
        {
            Compare("churn audit entries, JSON and CSV", churnJson.Rows, churnCsv.Rows),
            Compare("churn audit totalArrLost and the bridge's summary.churnArr (2025)",
                Money(churnShape.Value("totalArrLost")), Money(bridge["summary"]!["churnArr"]!.ToJsonString())),
            Compare("explain ARR's arr and GET /api/v1/arr (2025-06-30)", Money(explainShape.Value("arr")), Money(arr["arr"]!.ToJsonString())),
            Compare("explain ARR's customers, activeCustomers and GET /api/v1/arr's activeCustomers",
                $"{explainJson.Rows}, {explainShape.Value("activeCustomers")}", $"{arr["activeCustomers"]}, {arr["activeCustomers"]}"),
            Compare("explain ARR's contract events in JSON and its CSV rows", explainShape.Objects(6), explainCsv.Rows),
            Compare("event log CSV rows and the events in the store", eventLogCsv.Rows, storedEvents),
            Compare("event log JSON events, its total and the events in the store", $"{eventLogJson.Rows}, {eventLogShape.Value("total")}", $"{storedEvents}, {storedEvents}"),
            Compare("PostgreSQL's own CSV rows and the events in the store", floor.Rows, storedEvents),
        };

        return new ExportResults(
            churnJson, churnCsv, explainJson, explainCsv, eventLogCsv, eventLogJson, floor, storedEvents,
            [.. checks.Where(c => c.Difference is null).Select(c => c.Check)],
            [.. checks.Where(c => c.Difference is not null).Select(c => $"{c.Check}: {c.Difference}")]);
    }

    private static decimal Money(string? presented) => decimal.Parse(
        presented ?? throw new InvalidOperationException("A money figure was null."), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static (string Check, string? Difference) Compare<T>(string check, T api, T expected) where T : IEquatable<T> =>
        (check, api.Equals(expected) ? null : $"{api} against {expected}");

    private async Task<(ExportMeasurement Measurement, T Reader)> MeasureAsync<T>(
        string title, string path, T reader, CancellationToken cancellation) where T : IAnswerReader
    {
        var idle = ResidentSampler.Start(api.ResidentBytes, SamplePeriod);
        await Task.Delay(IdleSpan, cancellation);
        var (idleResident, _) = await idle.StopAsync();

        api.StartNewPeak();
        var processorTime = api.ProcessorTime();
        var during = ResidentSampler.Start(api.ResidentBytes, SamplePeriod);
        (TimeSpan Elapsed, TimeSpan Began, long Bytes) read;
        try
        {
            read = await ReadAsync(path, reader, cancellation);
        }
        catch
        {
            await during.StopAsync();
            throw;
        }

        var (sampledPeak, samples) = await during.StopAsync();
        var measurement = new ExportMeasurement(
            title, reader.Rows, read.Bytes, read.Elapsed, read.Began, api.ProcessorTime() - processorTime,
            idleResident, sampledPeak, samples, api.PeakSinceStartBytes());
        log.WriteLine($"Exports: {title}: {Format.Duration(measurement.Elapsed)}, {measurement.Rows:N0} rows, {Format.Data(measurement.Bytes)}, " +
                      $"began after {Format.Duration(measurement.Began)}, API CPU {Format.Duration(measurement.ApiProcessorTime)}, " +
                      $"RSS idle {Format.Megabytes(idleResident)}, peak {Format.Megabytes(sampledPeak)} sampled (n={samples}), " +
                      $"{Format.Megabytes(measurement.KernelPeak)} VmHWM");
        return (measurement, reader);
    }

    /// <summary>Reads the answer as it arrives; <c>Began</c> is when its headers came, sent with its first bytes.</summary>
    private async Task<(TimeSpan Elapsed, TimeSpan Began, long Bytes)> ReadAsync(string path, IAnswerReader reader, CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await api.Client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellation);
        var began = stopwatch.Elapsed;
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellation);
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {Report.Shorten(text, 2000)}\n{api.RecentOutput()}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellation);
        var bytes = await AnswerReader.ReadAsync(body, reader, cancellation);
        return (stopwatch.Elapsed, began, bytes);
    }

    private async Task<JsonNode> GetJsonAsync(string path, CancellationToken cancellation)
    {
        using var response = await api.Client.GetAsync(path, cancellation);
        var text = await response.Content.ReadAsStringAsync(cancellation);
        return response.IsSuccessStatusCode
            ? JsonNode.Parse(text)!
            : throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {Report.Shorten(text, 2000)}");
    }

    /// <summary>
    /// The columns the event log's CSV has, from the same table in the same order, written as CSV by PostgreSQL
    /// (<c>COPY ... TO STDOUT</c>) and counted as read: what the database alone takes to export the log.
    /// </summary>
    private async Task<ExportFloor> FloorAsync(CancellationToken cancellation)
    {
        var sql = $"""
            copy (select e.seq_id, e.timestamp, e.data ->> 'eventId', e.type, e.stream_id, e.data ->> 'contractId',
                         coalesce(e.data ->> 'effectiveDate', e.data ->> 'date'),
                         coalesce(e.data ->> 'arr', e.data ->> 'arrIncrease', e.data ->> 'arrDecrease', e.data ->> 'amount'),
                         e.data ->> 'termEndDate', e.data ->> 'reason', e.data ->> 'voidedEventId', e.data ->> 'category',
                         e.data ->> 'period', e.headers ->> '{Sender.PublishedByHeader}', e.headers ->> '{Sender.ViaHeader}'
                  from {schema}.mt_events e
                  order by e.seq_id) to stdout (format csv, header)
            """;
        var stopwatch = Stopwatch.StartNew();
        await using var connection = await server.DataSource.OpenConnectionAsync(cancellation);
        using var text = await connection.BeginTextExportAsync(sql, cancellation);
        var counter = new CsvRowCounter();
        var buffer = new char[AnswerReader.BufferSize];
        var bytes = 0L;
        int read;
        while ((read = await text.ReadAsync(buffer, cancellation)) > 0)
        {
            counter.Scan(buffer.AsSpan(0, read));
            bytes += Encoding.UTF8.GetByteCount(buffer.AsSpan(0, read));
        }

        counter.End();
        var floor = new ExportFloor(stopwatch.Elapsed, counter.Rows, bytes);
        log.WriteLine($"Exports: PostgreSQL's own CSV of the event log: {Format.Duration(floor.Elapsed)}, {floor.Rows:N0} rows, {Format.Data(bytes)}");
        return floor;
    }
}
