namespace CustomerSuccess.Metrics.Replay;

/// <summary>
/// How the host lays out its store (<see cref="MetricsStore.Configure"/>): what it takes to build another store exactly
/// like it, in another schema of the same database.
/// </summary>
public sealed record StoreLayout(string ConnectionString, string Schema, long CheckpointEveryEvents, int RebuildPageSize);
