namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// A fresh schema per ingest path, and one for the API that reads the bus, unique to the run so a shared server is never
/// written over.
/// </summary>
internal sealed record Schemas(string Http, string MartenDirect, string Copy, string Bus)
{
    public IReadOnlyList<string> All => [Http, MartenDirect, Copy, Bus];

    public static Schemas Create()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        return new Schemas($"bench_{run}_http", $"bench_{run}_marten", $"bench_{run}_copy", $"bench_{run}_bus");
    }
}
