using System.Diagnostics;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The RabbitMQ broker for the whole test run: the one named by <c>ConnectionStrings__RabbitMq</c>, or a private node
/// started on first use by <c>scripts/private-rabbitmq.sh</c> and stopped when the run is over (<see cref="TestRun"/>).
/// </summary>
internal static class TestBroker
{
    private static readonly Lazy<(string Uri, string? PrivateDirectory)> Broker = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Uri => Broker.Value.Uri;

    /// <summary>True when the tests started the broker themselves, and so may stop and start it.</summary>
    public static bool IsPrivate => Broker.Value.PrivateDirectory is not null;

    public static void Stop()
    {
        if (Broker.IsValueCreated && Broker.Value.PrivateDirectory is { } directory)
        {
            Script("stop", directory);
        }
    }

    /// <summary>Stops the broker application inside its node, as a broker restart does, and starts it again.</summary>
    public static void StopApp() => Script("stop-app", Broker.Value.PrivateDirectory!);

    public static void StartApp() => Script("start-app", Broker.Value.PrivateDirectory!);

    private static (string, string?) Start()
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (configured, null);
        }

        var directory = Path.Combine(Path.GetTempPath(), $"csm-rabbitmq-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var uri = Script("start", directory).Trim().Split('\n')[^1];
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Script("stop", directory);
        return (uri, directory);
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
