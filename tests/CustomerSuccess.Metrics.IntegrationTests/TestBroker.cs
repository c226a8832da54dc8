using System.Diagnostics;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The RabbitMQ broker for the whole test run: the one named by <c>ConnectionStrings__RabbitMq</c>, or a private node
/// started on first use by <c>scripts/private-rabbitmq.sh</c> and stopped when the run is over (<see cref="TestRun"/>).
/// A node that script started elsewhere (as <c>.ci/run</c> does) is named by its folder in <c>CSM_RABBITMQ_DIR</c>, so
/// tests may restart it too.
/// </summary>
internal static class TestBroker
{
    /// <summary>
    /// The tests that use the broker run one class at a time: one of them restarts it, which the others, publishing
    /// with plain clients that do not reconnect, must not see.
    /// </summary>
    public const string Collection = "broker";

    private static readonly Lazy<(string Uri, string? Directory, bool Private)> Broker = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Uri => Broker.Value.Uri;

    /// <summary>True when the node's folder is known, so that tests may restart the broker.</summary>
    public static bool CanRestart => Broker.Value.Directory is not null;

    public static void Stop()
    {
        if (Broker.IsValueCreated && Broker.Value is { Private: true, Directory: { } directory })
        {
            Script("stop", directory);
        }
    }

    /// <summary>Stops the broker application inside its node and starts it again, as a broker restart does.</summary>
    public static async Task RestartAsync(TimeSpan down)
    {
        Script("stop-app", Broker.Value.Directory!);
        await Task.Delay(down);
        Script("start-app", Broker.Value.Directory!);
    }

    private static (string, string?, bool) Start()
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var directory = Environment.GetEnvironmentVariable("CSM_RABBITMQ_DIR");
            return (configured, string.IsNullOrWhiteSpace(directory) ? null : directory, false);
        }

        var own = Path.Combine(Path.GetTempPath(), $"csm-rabbitmq-{Guid.NewGuid():N}");
        Directory.CreateDirectory(own);
        var uri = Script("start", own).Trim().Split('\n')[^1];
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Script("stop", own);
        return (uri, own, true);
    }

    private static string Script(string command, string directory)
    {
        var script = Path.Combine(RepositoryRoot(), "scripts", "private-rabbitmq.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, command, directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {command} failed ({process.ExitCode}): {error.Result}");
        }

        return output.Result;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CustomerSuccess.Metrics.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No repository above {AppContext.BaseDirectory}");
    }
}

[CollectionDefinition(TestBroker.Collection)]
public sealed class BrokerCollection;
