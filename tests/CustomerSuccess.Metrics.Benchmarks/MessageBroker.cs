using System.Diagnostics;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// The RabbitMQ broker a run publishes to: the one named by <c>ConnectionStrings__RabbitMq</c>, or a private node
/// started by <c>scripts/private-rabbitmq.sh</c> and stopped when the run ends; none when neither is at hand.
/// </summary>
internal sealed class MessageBroker : IAsyncDisposable
{
    private readonly string _repository;
    private readonly string? _privateDirectory;

    private MessageBroker(string uri, string description, string repository, string? privateDirectory)
    {
        Uri = uri;
        Description = description;
        _repository = repository;
        _privateDirectory = privateDirectory;
    }

    public string Uri { get; }

    public string Description { get; }

    /// <summary>The configured broker, else a private node; null, with why, when RabbitMQ is neither configured nor installed.</summary>
    public static async Task<(MessageBroker? Broker, string? Why)> StartAsync(string repository, TextWriter log, CancellationToken cancellation)
    {
        var configured = Environment.GetEnvironmentVariable("ConnectionStrings__RabbitMq");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return (new MessageBroker(configured, "the broker named by ConnectionStrings__RabbitMq", repository, null), null);
        }

        if (!Directory.Exists("/usr/lib/rabbitmq"))
        {
            return (null, "RabbitMQ is neither configured (ConnectionStrings__RabbitMq) nor installed (rabbitmq-server)");
        }

        var directory = Path.Combine(Path.GetTempPath(), $"csm-bench-rabbitmq-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        log.WriteLine("Starting a private RabbitMQ node");
        var uri = (await ScriptAsync(repository, "start", directory, cancellation)).Trim().Split('\n')[^1];
        return (new MessageBroker(uri, "a private RabbitMQ node on this machine (scripts/private-rabbitmq.sh)", repository, directory), null);
    }

    public async ValueTask DisposeAsync()
    {
        if (_privateDirectory is not null)
        {
            await ScriptAsync(_repository, "stop", _privateDirectory, CancellationToken.None);
        }
    }

    private static async Task<string> ScriptAsync(string repository, string command, string directory, CancellationToken cancellation)
    {
        var script = Path.Combine(repository, "scripts", "private-rabbitmq.sh");
        using var process = Process.Start(new ProcessStartInfo("bash", [script, command, directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException($"Could not run {script}.");
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var error = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} {command} failed ({process.ExitCode}): {await error}");
        }

        return await output;
    }
}
