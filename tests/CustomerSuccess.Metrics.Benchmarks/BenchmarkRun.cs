using System.Globalization;
using CustomerSuccess.Metrics.Api.Messaging;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.SampleBook;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// The scenarios in order: ingest (which loads the API), queries, exports, rebuild, memory, many small writers, the bus;
/// or, with <c>--only exports</c> or <c>--only queries</c>, the ingest over HTTP alone and that scenario.
/// </summary>
internal sealed class BenchmarkRun(BenchmarkPlan plan, string repository, DatabaseServer server, TextWriter log)
{
    private const long MemoryTargetBytes = 250_000_000;
    private const double HttpShareTarget = 0.5;
    private const double HttpRateTarget = 5_000;
    private const double FloorRatioTarget = 3;
    private const double NaiveRatioTarget = 100;
    private const double RebuildRateTarget = 20_000;
    private const double SingleEventShareTarget = 0.5;
    private static readonly TimeSpan SingleEventP99Target = TimeSpan.FromMilliseconds(100);
    private const double BusRateTarget = 5_000;
    private const double BusShareTarget = 0.5;
    private static readonly TimeSpan BusP99Target = TimeSpan.FromSeconds(1);
    private const long ExportGrowthTargetBytes = 50_000_000;

    public async Task<Report> ExecuteAsync(CancellationToken cancellation)
    {
        var schemas = Schemas.Create();
        try
        {
            return await ExecuteAsync(schemas, cancellation);
        }
        finally
        {
            if (!server.IsThrowaway)
            {
                foreach (var schema in schemas.All)
                {
                    await server.ExecuteAsync($"drop schema if exists {schema} cascade", CancellationToken.None);
                }
            }
        }
    }

    private async Task<Report> ExecuteAsync(Schemas schemas, CancellationToken cancellation)
    {
        var report = new Report(plan, await Report.DescribeMachineAsync(server, cancellation));
        try
        {
            await MeasureAsync(report, schemas, cancellation);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            // A long run that breaks late still reports what it measured, and why it stopped.
            log.WriteLine($"The run stopped: {e}");
            report.Fail(e.Message);
        }

        return report;
    }

    private async Task MeasureAsync(Report report, Schemas schemas, CancellationToken cancellation)
    {
        await ApiProcess.BuildAsync(repository, log, cancellation);
        await using var api = await ApiProcess.StartAsync(repository, server.ConnectionString, schemas.Http, log, cancellation);
        var readyMemory = api.PeakResidentBytes();

        log.WriteLine($"Generating the {plan.Size.Name} book");
        var book = new PublishedBook(SampleBookGenerator.Generate(plan.Size.Book));
        report.Describe($"{plan.Size.Book.Customers:N0} customers, {book.EventCount:N0} events in {book.BatchCount:N0} batches of up to {PublishedBook.BatchSize:N0}");
        log.WriteLine($"{book.EventCount:N0} events in {book.BatchCount} batches");

        var ingest = await new IngestBenchmark(book, api, server, schemas, log).RunAsync(httpOnly: plan.Only is not null, cancellation);
        AddIngest(report, ingest);
        if (plan.Only == BenchmarkPlan.Exports)
        {
            AddExports(report, await new ExportBenchmark(api, server, schemas.Http, log).RunAsync(cancellation));
            return;
        }

        var readModelRows = await server.ScalarTextAsync(
            $"select (select count(*) from {schemas.Http}.{ReadModelTables.MovementsName}) || ',' || " +
            $"(select count(*) from {schemas.Http}.{ReadModelTables.DailyTotalsName}) || ',' || (select count(*) from {schemas.Http}.{ReadModelTables.SignalsName})",
            cancellation);
        var queries = await new QueryBenchmark(api, server, schemas.Http, log).RunAsync(ingest.MiddleRecordedAt, cancellation);
        AddQueries(report, queries, ingest, [.. readModelRows.Split(',').Select(r => long.Parse(r, CultureInfo.InvariantCulture))]);
        if (plan.Only == BenchmarkPlan.Queries)
        {
            return;
        }

        AddExports(report, await new ExportBenchmark(api, server, schemas.Http, log).RunAsync(cancellation));

        var rebuild = await new RebuildBenchmark(server, repository, schemas.Http, log).RunAsync(cancellation);
        AddRebuild(report, rebuild);

        var peakMemory = api.PeakResidentBytes();
        report.Add(new ReportRow(
            "4 Memory: API peak RSS (VmHWM) after all scenarios", Format.Megabytes(peakMemory),
            "API VmHWM when first ready (empty store)", Format.Megabytes(readyMemory),
            $"peak / ready {Format.Ratio((double)peakMemory / readyMemory)}", "< 250 MB", Format.YesNo(peakMemory < MemoryTargetBytes)));

        // After the memory reading: this scenario adds a book of its own to the store.
        AddConcurrentWriters(report, await new ConcurrentWritersBenchmark(api, log).RunAsync(cancellation));

        var (broker, missing) = await MessageBroker.StartAsync(repository, log, cancellation);
        if (broker is null)
        {
            report.Add(new ReportRow("6 Bus", $"not run: {missing}", "—", "—", "—", "—", "—"));
            return;
        }

        await using (broker)
        {
            AddBus(report, await new BusBenchmark(repository, server, schemas.Bus, broker, log).RunAsync(cancellation), broker);
        }
    }

    private static void AddBus(Report report, BusResult bus, MessageBroker broker)
    {
        var share = bus.Bus.PerSecond / bus.HttpBatches.PerSecond;
        report.Add(new ReportRow(
            $"6a Bus ingest: {BusBenchmark.Publishers} concurrent plain AMQP publishers, one event a message, RabbitMQ to a second API " +
            $"process ({bus.Events:N0} events of {BusBenchmark.Customers:N0} customers, a book of its own), first publish to last event readable",
            bus.Bus.ToString(), "the same events over HTTP in batches of 1,000 from one client, same API, same run", bus.HttpBatches.ToString(),
            $"bus / HTTP {Format.Ratio(share)}", "≥ 5,000 events/s and ≥ 0.5 × HTTP batches",
            Format.YesNo(bus.Bus.PerSecond >= BusRateTarget && share >= BusShareTarget)));
        report.Add(new ReportRow(
            $"6b Bus latency: {BusBenchmark.SteadyRate} events/s for {BusBenchmark.SteadyFor.TotalSeconds:0} s from one publisher, every " +
            $"{BusBenchmark.MarkerEvery}th a new customer's signing, publish until GET /api/v1/customers/{{id}} shows its ARR",
            $"p50 {Format.Duration(bus.Visible.Median)}, p99 {Format.Duration(bus.Visible.P99)} (n={bus.Visible.Samples.Count})",
            "rate held by the publisher", bus.Steady.ToString(), "—", "p99 < 1 s", Format.YesNo(bus.Visible.P99 < BusP99Target)));
        report.Note(
            $"Bus: {broker.Description}; the API reads its queue through Wolverine's durable inbox (each delivery stored, then acknowledged; " +
            $"{ContractEventsBus.PrefetchCount:N0} deliveries in flight) with one sequential listener, and records batches of up to " +
            $"{ContractEventsBus.BatchSize:N0} messages (a batch waits at most {ContractEventsBus.BatchWait.TotalMilliseconds:0} ms for more), " +
            $"in the order received, each message atomically, in as few commits as the recording bounds allow. Each publisher owns its " +
            $"customers and publishes their events in order, {BusBenchmark.WarmUpEvents:N0} events are sent both ways first and not counted, " +
            $"and the HTTP copy goes first. 6a's publishers were done after {Format.Duration(bus.Publishing)}. 6b's latency is measured by one " +
            "reader asking for the oldest marker not yet seen, every 5 ms, so it includes up to one such wait and one request.");
    }

    private static void AddConcurrentWriters(Report report, ConcurrentWritersResult writers)
    {
        var share = writers.SingleEvents.PerSecond / writers.Batches.PerSecond;
        report.Add(new ReportRow(
            $"5 Many small writers: {writers.Clients} concurrent clients, one event a request, each owning its customers " +
            $"({writers.Customers:N0} customers, a book of their own)",
            $"{writers.SingleEvents}, p50 {Format.Duration(writers.SingleEventLatency.Median)}, p99 {Format.Duration(writers.SingleEventLatency.P99)}",
            "the same events in batches of 1,000 from one client, same API, same run", writers.Batches.ToString(),
            $"single / batch {Format.Ratio(share)}", "≥ 0.5 × batches, p99 < 100 ms",
            Format.YesNo(share >= SingleEventShareTarget && writers.SingleEventLatency.P99 < SingleEventP99Target)));
        report.Note("Many small writers: requests arriving while a commit is in flight are committed together in the next one (group " +
                    "commit), each still decided, answered and recorded at an instant of its own. The batch copy is sent first, then the " +
                    "single-event copy, under other identifiers, into the store that scenarios 1 to 4 loaded.");
    }

    private static void AddIngest(Report report, IngestResult ingest)
    {
        if (ingest is not { MartenDirect: { } marten, Copy: { } copy })
        {
            report.Add(new ReportRow(
                "1a Ingest over HTTP: POST /api/v1/events, 1,000 events a request, API in its own process, alone (to load the book)",
                ingest.Http.ToString(), "—", "—", "—", "≥ 5,000 events/s (the ratio to Marten direct needs the full run)",
                Format.YesNo(ingest.Http.PerSecond >= HttpRateTarget)));
            report.Note($"Ingest: the book over HTTP alone, without the Marten and COPY paths beside it. The first batch is run but not " +
                        $"counted ({Format.Duration(ingest.FirstBatch[0])}); the figure is the other {ingest.Http.Events:N0} events over the " +
                        "summed time of their batches.");
            return;
        }

        var httpShare = ingest.Http.PerSecond / marten.PerSecond;
        report.Add(new ReportRow(
            "1a Ingest over HTTP: POST /api/v1/events, 1,000 events a request, API in its own process", ingest.Http.ToString(),
            "1b Marten direct", marten.ToString(),
            $"HTTP / Marten {Format.Ratio(httpShare)}", "≥ 0.5 × Marten direct and ≥ 5,000 events/s",
            Format.YesNo(httpShare >= HttpShareTarget && ingest.Http.PerSecond >= HttpRateTarget)));
        report.Add(new ReportRow(
            "1b Ingest straight to Marten: host store configuration, inline projection, no HTTP, validation or idempotency",
            marten.ToString(),
            "1c COPY (FORMAT BINARY) into an unindexed table", copy.ToString(),
            $"Marten / COPY {Format.Ratio(marten.PerSecond / copy.PerSecond)}", "—", "—"));
        report.Note(
            $"Ingest: the three paths take turns going first in every batch, each into its own fresh schema. The first batch of each path " +
            $"is run but not counted, since it pays for code generation and JIT (HTTP {Format.Duration(ingest.FirstBatch[0])}, " +
            $"Marten {Format.Duration(ingest.FirstBatch[1])}, COPY {Format.Duration(ingest.FirstBatch[2])}); the figures are the other " +
            $"{ingest.Http.Events:N0} events over the summed time of their batches. COPY commits once per batch of 1,000, as the other paths do.");
    }

    /// <param name="readModelRows">The movement, daily-total and signal rows of the API's read model.</param>
    private static void AddQueries(Report report, QueryResults results, IngestResult ingest, long[] readModelRows)
    {
        var queries = results.Measured;
        foreach (var failure in results.Failed)
        {
            report.Add(new ReportRow($"2 {failure.Title}", $"FAILED: {Report.Shorten(failure.Reason, 300)}", "—", "—", "—", "—", "no"));
        }

        foreach (var q in queries)
        {
            var floorRatio = q.Api.Median / q.Floor.Median;
            report.Add(new ReportRow(
                $"2 {q.Title}", $"API {q.Api}", $"2b floor: {q.FloorSource}", q.Floor.ToString(),
                $"API / floor {Format.Ratio(floorRatio)} (p95 {Format.Ratio(q.Api.P95 / q.Floor.P95)})", "≤ 3",
                Format.YesNo(floorRatio <= FloorRatioTarget)));

            var naiveRatio = q.Naive / q.Api.Median;
            report.Add(new ReportRow(
                $"2 {q.Title}", $"API median {Format.Duration(q.Api.Median)}", "2a naive live aggregation over mt_events",
                $"{Format.Duration(q.Naive)} ({(q.NaiveRuns == 1 ? "1 run" : $"median of {q.NaiveRuns}")})",
                $"naive / API {Format.Ratio(naiveRatio)}", "≥ 100", Format.YesNo(naiveRatio >= NaiveRatioTarget)));

            foreach (var difference in q.NaiveDifferences)
            {
                report.Mismatch($"naive vs API, {q.Title}: {difference}");
            }

            foreach (var difference in q.FloorDifferences)
            {
                report.Mismatch($"floor vs API, {q.Title}: {difference}");
            }
        }

        var agreed = queries.Count(q => q.NaiveDifferences.Count == 0 && q.FloorDifferences.Count == 0);
        report.Note(
            $"Queries: over the book loaded by 1a, whose read model held {readModelRows[0]:N0} movement rows, " +
            $"{readModelRows[1]:N0} daily-total rows and {readModelRows[2]:N0} signal rows. \"knownAt mid-load\" is " +
            $"{InstantPattern.ExtendedIso.Format(ingest.MiddleRecordedAt)} (the recordedAt of batch {ingest.Batches / 2 + 1} of {ingest.Batches}). API latency is one request " +
            "at a time over loopback, response read in full; floor latency is the SQL round trip plus reading its rows. Each was warmed up " +
            "3 times, then requests and floor queries alternated, each going first every other time; n = 10 instead of 30 when a warm-up " +
            "request averaged over 1 s. Met? compares medians. The naive baseline reads and replays the whole event table for every " +
            "figure, end to end.");
        report.Note(agreed == queries.Count
            ? $"Checks: the floor and the naive baseline both give exactly the API's presented values for all {queries.Count} queries measured " +
              "(every value of every figure: ARR, MRR and active customers; every bridge period and the summary; every series point; every rate; " +
              "NPS and its counts overall, by segment, CSM and touch model and month by month; the health bands overall, by segment and by CSM, " +
              "adoption's summary and buckets and the lowest score; every renewal term due with its outcome and ARR, and the renewal rates)."
            : $"Checks: {queries.Count - agreed} of {queries.Count} queries differ from a baseline; see the MISMATCH lines above.");
    }

    private static void AddExports(Report report, ExportResults exports)
    {
        static string Detail(ExportMeasurement e, string rows) =>
            $"{Format.Count(e.Rows)} {rows}, {Format.Data(e.Bytes)}, began after {Format.Duration(e.Began)}, API CPU {Format.Duration(e.ApiProcessorTime)}";

        static string Time(ExportMeasurement e) => Format.Duration(e.Elapsed);

        var (churnJson, churnCsv, explainJson, explainCsv, logCsv, logJson) =
            (exports.ChurnJson, exports.ChurnCsv, exports.ExplainJson, exports.ExplainCsv, exports.EventLogCsv, exports.EventLogJson);
        report.Add(new ReportRow(
            $"7a Churn audit for 2025, JSON: GET {ExportBenchmark.ChurnPath}",
            $"{Time(churnJson)}, {Format.PerSecond(churnJson.RowsPerSecond, "entries")} ({Detail(churnJson, "entries")})",
            "—", "—", "—", "—", "—"));
        report.Add(new ReportRow(
            $"7a Churn audit for 2025, CSV: GET {ExportBenchmark.ChurnPath}&format=csv",
            $"{Time(churnCsv)}, {Format.PerSecond(churnCsv.RowsPerSecond, "rows")} ({Detail(churnCsv, "rows")})",
            "the same as JSON", Time(churnJson), $"CSV / JSON time {Format.Ratio(churnCsv.Elapsed / churnJson.Elapsed)}", "—", "—"));
        report.Add(new ReportRow(
            $"7b ARR as of 2025-06-30 taken apart, JSON: GET {ExportBenchmark.ExplainPath}",
            $"{Time(explainJson)}, {Format.PerSecond(explainJson.RowsPerSecond, "customers")} ({Detail(explainJson, "customers")})",
            "—", "—", "—", "—", "—"));
        report.Add(new ReportRow(
            $"7b ARR as of 2025-06-30 taken apart, CSV (a row per contract event): GET {ExportBenchmark.ExplainPath}&format=csv",
            $"{Time(explainCsv)}, {Format.PerSecond(explainCsv.RowsPerSecond, "rows")} ({Detail(explainCsv, "rows")})",
            "the same as JSON", Time(explainJson), $"CSV / JSON time {Format.Ratio(explainCsv.Elapsed / explainJson.Elapsed)}", "—", "—"));
        report.Add(new ReportRow(
            $"7c The whole event log, CSV: GET {ExportBenchmark.EventLogPath}?format=csv",
            $"{Time(logCsv)}, {Format.PerSecond(logCsv.RowsPerSecond, "rows")}, {Format.MegabytesPerSecond(logCsv.MegabytesPerSecond)} ({Detail(logCsv, "rows")})",
            "floor: the same columns written as CSV by PostgreSQL (COPY ... TO STDOUT), read through Npgsql",
            $"{Format.Duration(exports.Floor.Elapsed)}, {Format.PerSecond(exports.Floor.RowsPerSecond, "rows")}, " +
            $"{Format.MegabytesPerSecond(exports.Floor.MegabytesPerSecond)} ({Format.Count(exports.Floor.Rows)} rows, {Format.Data(exports.Floor.Bytes)})",
            $"API / floor time {Format.Ratio(logCsv.Elapsed / exports.Floor.Elapsed)}", "—", "—"));
        report.Add(new ReportRow(
            $"7c The whole event log, JSON: GET {ExportBenchmark.EventLogPath}",
            $"{Time(logJson)}, {Format.PerSecond(logJson.RowsPerSecond, "events")}, {Format.MegabytesPerSecond(logJson.MegabytesPerSecond)} ({Detail(logJson, "events")})",
            "the same as CSV", Time(logCsv), $"JSON / CSV time {Format.Ratio(logJson.Elapsed / logCsv.Elapsed)}", "—", "—"));

        foreach (var (export, name, target) in (IEnumerable<(ExportMeasurement, string, bool)>)[
                     (churnJson, "7a JSON", false), (churnCsv, "7a CSV", false), (explainJson, "7b JSON", false), (explainCsv, "7b CSV", false),
                     (logCsv, "7c CSV", true), (logJson, "7c JSON", true)])
        {
            report.Add(new ReportRow(
                $"7d API memory during {name}",
                $"peak {Format.Megabytes(export.Peak)} (VmRSS every {ExportBenchmark.SamplePeriod.TotalMilliseconds:0} ms: " +
                $"{Format.Megabytes(export.SampledPeak)}, n={export.Samples}; VmHWM {Format.Megabytes(export.KernelPeak)})",
                "VmRSS just before (idle)", Format.Megabytes(export.IdleResident), $"peak − idle {Format.MegabytesChange(export.Growth)}",
                target ? "peak ≤ idle + 50 MB" : "—", target ? Format.YesNo(export.Growth <= ExportGrowthTargetBytes) : "—"));
        }

        foreach (var difference in exports.Differences)
        {
            report.Mismatch($"exports: {difference}");
        }

        report.Note(
            $"Exports: over the book the API holds ({Format.Count(exports.StoredEvents)} events in the store), one request at a time over " +
            "loopback, each once after an untimed request of each endpoint on a narrow question (a month of churn, ARR in January 2021, " +
            $"the log's first batch). Each body is read {AnswerReader.BufferSize / 1024} KB at a time as it arrives and counted, never " +
            "held: CSV records by their line ends outside quoted fields, JSON objects by depth with a forward-only reader. \"Began after\" " +
            "is when the answer's headers came, which the API sends with its first 16 KB; API CPU is the process's user and system time " +
            $"over the request. Memory: the API's VmRSS read from /proc every {ExportBenchmark.SamplePeriod.TotalMilliseconds:0} ms over " +
            $"the {ExportBenchmark.IdleSpan.TotalSeconds:0} s before the request (idle: the highest reading) and during it. The kernel's " +
            "own peak (VmHWM) is restarted just before each request (`clear_refs`) and read after it too, since it can catch a peak " +
            "between two readings; the peak is the higher of the two. The floor is the mean of one read before and one after the API's CSV export.");
        report.Note(exports.Differences.Count == 0
            ? $"Export checks: {string.Join("; ", exports.Agreed)} all agree."
            : $"Export checks: {exports.Differences.Count} of {exports.Differences.Count + exports.Agreed.Count} differ; see the MISMATCH lines above.");
    }

    private static void AddRebuild(Report report, RebuildResult rebuild)
    {
        report.Add(new ReportRow(
            $"3 Rebuild of the {LedgerProjection.ProjectionName} projection: `projections rebuild` on the host's command line, start to exit, on the book loaded by 1a",
            rebuild.Rebuild.ToString(), "sequential read of mt_events, every column, through Npgsql", rebuild.SequentialRead.ToString(),
            $"rebuild / read {Format.Ratio(rebuild.Rebuild.PerSecond / rebuild.SequentialRead.PerSecond)}", "≥ 20,000 events/s",
            Format.YesNo(rebuild.Rebuild.PerSecond >= RebuildRateTarget)));
        if (rebuild.Reproduced)
        {
            report.Note("Rebuild: the sequential read is the mean of one read before and one after the rebuild. The rebuild wrote exactly " +
                        "the movement, checkpoint, retention-cost, customer-tail and receipt rows it replaced.");
        }
        else
        {
            report.Mismatch("the rebuild did not reproduce the read models it replaced (movement, checkpoint, retention-cost, " +
                            "customer-tail or receipt rows differ)");
        }
    }
}
