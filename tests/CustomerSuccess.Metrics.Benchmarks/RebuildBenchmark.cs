using System.Diagnostics;
using System.Globalization;
using CustomerSuccess.Metrics.Ledger;

namespace CustomerSuccess.Metrics.Benchmarks;

internal sealed record RebuildResult(Throughput Rebuild, Throughput SequentialRead, bool Reproduced);

/// <summary>
/// A full rebuild of the ledger projection as an operator runs it, <c>projections rebuild</c> on the host's
/// command line in a process of its own, timed from start to exit; against a plain sequential read of the
/// same event table (taken before and after the rebuild, and averaged). Also checks that the rebuild writes
/// the read models it replaced.
/// </summary>
internal sealed class RebuildBenchmark(DatabaseServer server, string repository, string schema, TextWriter log)
{
    public async Task<RebuildResult> RunAsync(CancellationToken cancellation)
    {
        var events = long.Parse(await server.ScalarTextAsync($"select count(*) from {schema}.mt_events", cancellation), CultureInfo.InvariantCulture);
        var before = await FingerprintAsync(cancellation);

        var readBefore = await ReadEveryColumnAsync(cancellation);
        log.WriteLine($"Sequential read of {schema}.mt_events: {new Throughput(events, readBefore)}");

        var stopwatch = Stopwatch.StartNew();
        await ApiProcess.RunCommandAsync(repository, server.ConnectionString, schema, ["projections", "rebuild"], cancellation);
        stopwatch.Stop();
        log.WriteLine($"Rebuild of {LedgerProjection.ProjectionName}: {new Throughput(events, stopwatch.Elapsed)}");

        var readAfter = await ReadEveryColumnAsync(cancellation);
        log.WriteLine($"Sequential read of {schema}.mt_events: {new Throughput(events, readAfter)}");

        var after = await FingerprintAsync(cancellation);
        return new RebuildResult(new Throughput(events, stopwatch.Elapsed), new Throughput(events, (readBefore + readAfter) / 2), before == after);
    }

    private async Task<TimeSpan> ReadEveryColumnAsync(CancellationToken cancellation)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var command = server.DataSource.CreateCommand($"select * from {schema}.mt_events");
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        var values = new object[reader.FieldCount];
        while (await reader.ReadAsync(cancellation))
        {
            reader.GetValues(values);
        }

        return stopwatch.Elapsed;
    }

    /// <summary>Every movement row, checkpoint row, retention cost row and customer tail: what a rebuild must reproduce.</summary>
    private Task<string> FingerprintAsync(CancellationToken cancellation) =>
        server.ScalarTextAsync(
            $"select (select md5(coalesce(string_agg(m::text, '|' order by m::text), '')) from {schema}.{ReadModelTables.MovementsName} m) " +
            $"|| (select md5(coalesce(string_agg(c::text, '|' order by c::text), '')) from {schema}.{ReadModelTables.RetentionCostsName} c) " +
            $"|| (select md5(coalesce(string_agg(concat_ws(',', known_at, movement_date, segment, kind, trim_scale(amount), trim_scale(arr_delta), logo_delta, movements), '|' order by known_at, movement_date, segment, kind), '')) from {schema}.{ReadModelTables.CheckpointsName}) " +
            $"|| (select md5(coalesce(string_agg(customer_id || data::text, '|' order by customer_id), '')) from {schema}.{ReadModelTables.CustomerTailsName}) " +
            $"|| (select md5(coalesce(string_agg(concat_ws(',', event_id, type, stream_key, fingerprint, voided_by), '|' order by event_id), '')) from {schema}.{ReadModelTables.EventReceiptsName})",
            cancellation);
}
