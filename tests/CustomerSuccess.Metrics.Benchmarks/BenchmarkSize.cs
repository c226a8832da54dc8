using CustomerSuccess.Metrics.SampleBook;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>The book a run publishes: <c>--size small</c> (about 17k events) or <c>--size large</c> (about 833k).</summary>
internal sealed record BenchmarkSize(string Name, SampleBookOptions Book)
{
    public string Command => $"dotnet run -c Release --project tests/CustomerSuccess.Metrics.Benchmarks -- --size {Name}";

    public static BenchmarkSize? Parse(IReadOnlyList<string> args)
    {
        var name = args switch
        {
            ["--size", var value] => value,
            [var single] when single.StartsWith("--size=", StringComparison.Ordinal) => single["--size=".Length..],
            _ => null,
        };

        return name switch
        {
            "small" => new BenchmarkSize(name, SampleBookOptions.Small),
            "large" => new BenchmarkSize(name, SampleBookOptions.Large),
            _ => null,
        };
    }
}
