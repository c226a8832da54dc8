using CustomerSuccess.Metrics.SampleBook;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>The book a run publishes: <c>small</c> (about 38k events) or <c>large</c> (about 1.9 million), signals included.</summary>
internal sealed record BenchmarkSize(string Name, SampleBookOptions Book)
{
    public static BenchmarkSize? Named(string? name) => name switch
    {
        "small" => new BenchmarkSize(name, SampleBookOptions.Small),
        "large" => new BenchmarkSize(name, SampleBookOptions.Large),
        _ => null,
    };
}
