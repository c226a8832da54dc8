using CustomerSuccess.Metrics.Api.Hosting;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The PostgreSQL server for the whole test run: the one named by <c>ConnectionStrings__Marten</c>, or a
/// private throwaway cluster (durability off, for speed) started on first use and stopped when the run is
/// over (<see cref="TestRun"/>). Should the run end otherwise, it is left to its watchdog at exit.
/// </summary>
internal static class TestDatabase
{
    private static readonly Lazy<(string ConnectionString, EmbeddedPostgres? Private)> Server =
        new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ConnectionString => Server.Value.ConnectionString;

    /// <summary>Stops and removes the private cluster, if one was started.</summary>
    public static void Stop()
    {
        if (Server.IsValueCreated)
        {
            Server.Value.Private?.Dispose();
        }
    }

    private static (string, EmbeddedPostgres?) Start()
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__Marten");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (configured, null);
        }

        var server = EmbeddedPostgres.Start(TextWriter.Null, ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.StopInBackground();
        return (server.ConnectionString, server);
    }
}
