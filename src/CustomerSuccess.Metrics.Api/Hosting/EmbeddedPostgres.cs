using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NodaTime;

namespace CustomerSuccess.Metrics.Api.Hosting;

/// <summary>
/// A private PostgreSQL cluster for when no connection string is configured: the machine's PostgreSQL
/// binaries, a fresh data directory under the temporary folder, a free loopback port. Stopped and
/// removed on dispose. As root it runs the server as the <c>postgres</c> user, as PostgreSQL requires.
/// </summary>
public sealed class EmbeddedPostgres : IDisposable
{
    private const string DirectoryPrefix = "csm-postgres-";

    private readonly string _binaries;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private bool _stopped;

    private EmbeddedPostgres(string binaries, string root, int port, bool asPostgresUser)
    {
        _binaries = binaries;
        _root = root;
        Port = port;
        _asPostgresUser = asPostgresUser;
    }

    public int Port { get; }

    public string DataDirectory => Path.Combine(_root, "data");

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50";

    public static EmbeddedPostgres Start(TextWriter log, IReadOnlyList<string>? serverSettings = null)
    {
        var binaries = FindBinaries()
            ?? throw new InvalidOperationException(
                "No connection string 'ConnectionStrings:Marten' is configured and no PostgreSQL server binaries were found " +
                "under /usr/lib/postgresql. Install PostgreSQL (apt-get install -y postgresql) or configure a connection string.");

        RemoveStoppedClusters();
        var asPostgresUser = Environment.UserName == "root";
        var root = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        var port = FreeLoopbackPort();
        var server = new EmbeddedPostgres(binaries, root, port, asPostgresUser);
        try
        {
            if (asPostgresUser)
            {
                Run("chown", ["postgres:postgres", root], asPostgresUser: false);
                Run("chmod", ["700", root], asPostgresUser: false);
            }

            server.RunTool("initdb", ["-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
            server.RunTool("pg_ctl",
            [
                "-D", server.DataDirectory, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60",
                "-o", $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200" +
                      string.Concat((serverSettings ?? []).Select(s => $" -c {s}")),
                "start",
            ]);
            log.WriteLine($"Started a private PostgreSQL on 127.0.0.1:{port} (data in {server.DataDirectory}).");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                RunTool("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Best effort: the directory below is removed either way.
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A server that would not stop keeps its files; nothing else depends on them.
        }
    }

    /// <summary>
    /// Clusters of processes that were killed before they could clean up: no server runs in them, and
    /// they are old enough not to be one that another process is still setting up.
    /// </summary>
    private static void RemoveStoppedClusters()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            var age = SystemClock.Instance.GetCurrentInstant() - Instant.FromDateTimeUtc(Directory.GetLastWriteTimeUtc(directory));
            var settled = age > Duration.FromMinutes(10);
            if (settled && !File.Exists(Path.Combine(directory, "data", "postmaster.pid")))
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Another process may be creating it right now; it is swept next time.
                }
            }
        }
    }

    private static string? FindBinaries() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void RunTool(string tool, IReadOnlyList<string> arguments) =>
        Run(Path.Combine(_binaries, tool), arguments, _asPostgresUser);

    private static void Run(string file, IReadOnlyList<string> arguments, bool asPostgresUser)
    {
        var info = new ProcessStartInfo(asPostgresUser ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgresUser)
        {
            foreach (var a in (string[])["-u", "postgres", "--", file])
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} exited with {process.ExitCode}: {error.Result}{output.Result}");
        }
    }
}
