using CustomerSuccess.Metrics.Api.Hosting;
using Npgsql;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// The PostgreSQL server a run uses: the one named by <c>ConnectionStrings__Marten</c>, or a throwaway cluster
/// started exactly as the host starts its own, with durability off, removed when the run ends.
/// </summary>
internal sealed class DatabaseServer : IDisposable
{
    private static readonly string[] ThrowawaySettings =
        ["fsync=off", "synchronous_commit=off", "full_page_writes=off", "shared_buffers=1GB"];

    private readonly EmbeddedPostgres? _embedded;

    private DatabaseServer(string connectionString, EmbeddedPostgres? embedded)
    {
        ConnectionString = connectionString;
        _embedded = embedded;
        DataSource = MetricsStore.BuildDataSource(connectionString);
    }

    public string ConnectionString { get; }

    /// <summary>With the NodaTime mappings the engine uses, so dates and instants read as they do there.</summary>
    public NpgsqlDataSource DataSource { get; }

    public bool IsThrowaway => _embedded is not null;

    public string Description => IsThrowaway
        ? $"a throwaway local cluster ({string.Join(", ", ThrowawaySettings)})"
        : "the server named by ConnectionStrings__Marten";

    public static DatabaseServer Start(TextWriter log)
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__Marten");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new DatabaseServer(configured, null);
        }

        var embedded = EmbeddedPostgres.Start(log, ThrowawaySettings);
        try
        {
            return new DatabaseServer(embedded.ConnectionString, embedded);
        }
        catch
        {
            embedded.Dispose();
            throw;
        }
    }

    public async Task<string> ScalarTextAsync(string sql, CancellationToken cancellation)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        return Convert.ToString(await command.ExecuteScalarAsync(cancellation), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellation)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellation);
    }

    public void Dispose()
    {
        DataSource.Dispose();
        _embedded?.Dispose();
    }
}
