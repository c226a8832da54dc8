using System.Globalization;

namespace CustomerSuccess.Metrics.Benchmarks;

internal sealed record Throughput(long Events, TimeSpan Elapsed)
{
    public double PerSecond => Events / Elapsed.TotalSeconds;

    public override string ToString() => Format.Rate(PerSecond);
}

/// <summary>Latency samples of one query: median, and p95 by nearest rank.</summary>
internal sealed record Latency(IReadOnlyList<TimeSpan> Samples)
{
    private IReadOnlyList<TimeSpan> Sorted { get; } = Samples.Order().ToList();

    public TimeSpan Median => Sorted.Count % 2 == 1
        ? Sorted[Sorted.Count / 2]
        : (Sorted[Sorted.Count / 2 - 1] + Sorted[Sorted.Count / 2]) / 2;

    public TimeSpan P95 => Percentile(0.95);

    public TimeSpan P99 => Percentile(0.99);

    private TimeSpan Percentile(double share) => Sorted[(int)Math.Ceiling(share * Sorted.Count) - 1];

    public override string ToString() => $"median {Format.Duration(Median)}, p95 {Format.Duration(P95)} (n={Samples.Count})";
}

internal static class Format
{
    public static string Rate(double perSecond) => PerSecond(perSecond, "events");

    public static string PerSecond(double perSecond, string what) => perSecond.ToString("#,0", CultureInfo.InvariantCulture) + $" {what}/s";

    public static string MegabytesPerSecond(double perSecond) => perSecond.ToString("#,0.0", CultureInfo.InvariantCulture) + " MB/s";

    public static string Count(long count) => count.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Duration(TimeSpan duration) => duration.TotalMilliseconds switch
    {
        < 10 => duration.TotalMilliseconds.ToString("0.00", CultureInfo.InvariantCulture) + " ms",
        < 100 => duration.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " ms",
        < 10_000 => duration.TotalMilliseconds.ToString("#,0", CultureInfo.InvariantCulture) + " ms",
        _ => duration.TotalSeconds.ToString("#,0.0", CultureInfo.InvariantCulture) + " s",
    };

    public static string Ratio(double ratio) => ratio switch
    {
        < 10 => ratio.ToString("0.00", CultureInfo.InvariantCulture),
        < 100 => ratio.ToString("0.0", CultureInfo.InvariantCulture),
        _ => ratio.ToString("#,0", CultureInfo.InvariantCulture),
    };

    public static string Megabytes(long bytes) => (bytes / 1e6).ToString("#,0", CultureInfo.InvariantCulture) + " MB";

    /// <summary>An amount of data, with a decimal place below 100 MB and in kilobytes below 1 MB.</summary>
    public static string Data(long bytes) => bytes switch
    {
        < 1_000_000 => (bytes / 1e3).ToString("#,0", CultureInfo.InvariantCulture) + " KB",
        < 100_000_000 => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        _ => Megabytes(bytes),
    };

    /// <summary>A difference in megabytes, always signed.</summary>
    public static string MegabytesChange(long bytes) => (bytes / 1e6).ToString("+#,0.0;-#,0.0;0.0", CultureInfo.InvariantCulture) + " MB";

    public static string YesNo(bool met) => met ? "yes" : "no";
}
