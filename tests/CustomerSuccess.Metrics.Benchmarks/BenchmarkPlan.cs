namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// What a run measures: every scenario (<c>--size small|large</c>), or one scenario with only what it needs
/// (<c>--only exports</c> or <c>--only queries</c>: the book loaded over HTTP, then that scenario), written to a section of its own.
/// </summary>
internal sealed record BenchmarkPlan(BenchmarkSize Size, string? Only)
{
    public const string Exports = "exports";
    public const string Queries = "queries";

    public const string Usage =
        "Usage: dotnet run -c Release --project tests/CustomerSuccess.Metrics.Benchmarks -- --size small|large [--only exports|queries]";

    /// <summary>The heading of the run's section in docs/benchmarks.md: <c>large</c>, or <c>large: exports</c> for a partial run.</summary>
    public string Section => Only is null ? Size.Name : $"{Size.Name}: {Only}";

    public string Command =>
        $"dotnet run -c Release --project tests/CustomerSuccess.Metrics.Benchmarks -- --size {Size.Name}" + (Only is null ? "" : $" --only {Only}");

    public static BenchmarkPlan? Parse(IReadOnlyList<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = args[i].Split('=', 2) switch
            {
                [var n, var v] => (n, v),
                [var n] when i + 1 < args.Count => (n, args[++i]),
                _ => (args[i], ""),
            };

            if (name is not ("--size" or "--only") || !options.TryAdd(name, value))
            {
                return null;
            }
        }

        var size = BenchmarkSize.Named(options.GetValueOrDefault("--size"));
        var only = options.GetValueOrDefault("--only");
        return size is null || only is not (null or Exports or Queries) ? null : new BenchmarkPlan(size, only);
    }
}
