using System.Globalization;
using CustomerSuccess.Metrics.Api.Messaging;
using CustomerSuccess.Metrics.Ledger;
using CustomerSuccess.Metrics.SampleBook;
using NodaTime.Text;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>The scenarios in order: ingest (which loads the API), queries, rebuild, memory, many small writers, the bus.</summary>
internal sealed class BenchmarkRun(BenchmarkSize size, string repository, DatabaseServer server, TextWriter log)
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
        var report = new Report(size, await Report.DescribeMachineAsync(server, cancellation));
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

        log.WriteLine($"Generating the {size.Name} book");
        var book = new PublishedBook(SampleBookGenerator.Generate(size.Book));
        report.Describe($"{size.Book.Customers:N0} customers, {book.EventCount:N0} events in {book.BatchCount:N0} batches of up to {PublishedBook.BatchSize:N0}");
        log.WriteLine($"{book.EventCount:N0} events in {book.BatchCount} batches");

        var ingest = await new IngestBenchmark(book, api, server, schemas, log).RunAsync(cancellation);
        AddIngest(report, ingest);

        var movementRows = await server.ScalarTextAsync($"select count(*) from {schemas.Http}.{ReadModelTables.MovementsName}", cancellation);
        var dailyRows = await server.ScalarTextAsync($"select count(*) from {schemas.Http}.{ReadModelTables.DailyTotalsName}", cancellation);
        var queries = await new QueryBenchmark(api, server, schemas.Http, log).RunAsync(ingest.MiddleRecordedAt, cancellation);
        AddQueries(report, queries, ingest, movementRows, dailyRows);

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
        var httpShare = ingest.Http.PerSecond / ingest.MartenDirect.PerSecond;
        report.Add(new ReportRow(
            "1a Ingest over HTTP: POST /api/v1/events, 1,000 events a request, API in its own process", ingest.Http.ToString(),
            "1b Marten direct", ingest.MartenDirect.ToString(),
            $"HTTP / Marten {Format.Ratio(httpShare)}", "≥ 0.5 × Marten direct and ≥ 5,000 events/s",
            Format.YesNo(httpShare >= HttpShareTarget && ingest.Http.PerSecond >= HttpRateTarget)));
        report.Add(new ReportRow(
            "1b Ingest straight to Marten: host store configuration, inline projection, no HTTP, validation or idempotency",
            ingest.MartenDirect.ToString(),
            "1c COPY (FORMAT BINARY) into an unindexed table", ingest.Copy.ToString(),
            $"Marten / COPY {Format.Ratio(ingest.MartenDirect.PerSecond / ingest.Copy.PerSecond)}", "—", "—"));
        report.Note(
            $"Ingest: the three paths take turns going first in every batch, each into its own fresh schema. The first batch of each path " +
            $"is run but not counted, since it pays for code generation and JIT (HTTP {Format.Duration(ingest.FirstBatch[0])}, " +
            $"Marten {Format.Duration(ingest.FirstBatch[1])}, COPY {Format.Duration(ingest.FirstBatch[2])}); the figures are the other " +
            $"{ingest.Http.Events:N0} events over the summed time of their batches. COPY commits once per batch of 1,000, as the other paths do.");
    }

    private static void AddQueries(Report report, QueryResults results, IngestResult ingest, string movementRows, string dailyRows)
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
                $"2 {q.Title}", $"API {q.Api}", "2b floor: hand-written SQL over flat_movements", q.Floor.ToString(),
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
            $"Queries: over the book loaded by 1a, whose read model held {long.Parse(movementRows, CultureInfo.InvariantCulture):N0} movement rows " +
            $"and {long.Parse(dailyRows, CultureInfo.InvariantCulture):N0} daily-total rows. \"knownAt mid-load\" is " +
            $"{InstantPattern.ExtendedIso.Format(ingest.MiddleRecordedAt)} (the recordedAt of batch {ingest.Batches / 2 + 1} of {ingest.Batches}). API latency is one request " +
            "at a time over loopback, response read in full; floor latency is the SQL round trip plus reading its rows. Each was warmed up " +
            "3 times, then requests and floor queries alternated, each going first every other time; n = 10 instead of 30 when a warm-up " +
            "request averaged over 1 s. Met? compares medians. The naive baseline reads and replays the whole event table for every " +
            "figure, end to end.");
        report.Note(agreed == queries.Count
            ? $"Checks: the floor and the naive baseline both give exactly the API's presented values for all {queries.Count} queries measured " +
              "(every value of every figure: ARR, MRR and active customers; every bridge period and the summary; every series point; every rate)."
            : $"Checks: {queries.Count - agreed} of {queries.Count} queries differ from a baseline; see the MISMATCH lines above.");
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
