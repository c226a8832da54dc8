using CustomerSuccess.Metrics.Api.Hosting;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The PostgreSQL server for the whole test run: the one named by <c>ConnectionStrings__Marten</c>, or a
/// private throwaway cluster (durability off, for speed) started on first use and stopped at exit.
/// </summary>
internal static class TestDatabase
{
    private static readonly Lazy<string> Server = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ConnectionString => Server.Value;

    private static string Start()
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__Marten");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        var server = EmbeddedPostgres.Start(TextWriter.Null, ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server.ConnectionString;
    }
}
