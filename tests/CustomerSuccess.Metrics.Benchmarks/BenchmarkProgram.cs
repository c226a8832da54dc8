namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// Measures ingest, queries, exports, rebuild and memory of the engine against baselines taken side by side in the
/// same run, and writes the figures to docs/benchmarks.md. Run on purpose, never by <c>dotnet test</c>.
/// </summary>
internal static class BenchmarkProgram
{
    private static async Task<int> Main(string[] args)
    {
        var plan = BenchmarkPlan.Parse(args);
        if (plan is null)
        {
            await Console.Error.WriteLineAsync(BenchmarkPlan.Usage);
            return 2;
        }

        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        var repository = RepositoryRoot.Find();
        var log = new ProgressLog(Console.Out);
        using var server = DatabaseServer.Start(log);
        var report = await new BenchmarkRun(plan, repository, server, log).ExecuteAsync(cancellation.Token);

        var path = Path.Combine(repository, "docs", "benchmarks.md");
        report.WriteSection(path);
        Console.WriteLine();
        Console.WriteLine(report.Markdown());
        Console.WriteLine($"Written to {path}");
        return report.Failed ? 1 : 0;
    }
}
