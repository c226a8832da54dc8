using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NodaTime;

namespace CustomerSuccess.Metrics.Api.Hosting;

/// <summary>
/// A private PostgreSQL cluster for when no connection string is configured: the machine's PostgreSQL
/// binaries, a fresh data directory under the temporary folder, a free loopback port. Stopped and
/// removed on dispose, and by a watchdog when this process ends without disposing it. As root it runs the
/// server as the <c>postgres</c> user, as PostgreSQL requires.
/// </summary>
public sealed class EmbeddedPostgres : IDisposable
{
    public const string DirectoryPrefix = "csm-postgres-";

    /// <summary>The name the watchdog shell runs under (its <c>$0</c>), as <c>ps</c> shows it.</summary>
    public const string WatchdogName = "csm-postgres-watchdog";

    /// <summary>
    /// Waits for end-of-file on its standard input, then stops the server in the folder given as the first
    /// argument with the command that follows, and removes the folder. Quiet: nobody reads its output by then.
    /// </summary>
    private const string WatchdogScript =
        "root=$1; shift; " +
        "while read -r _; do :; done; " +
        "if [ -f \"$root/data/postmaster.pid\" ]; then \"$@\"; fi >/dev/null 2>&1; " +
        "rm -rf -- \"$root\" >/dev/null 2>&1";

    /// <summary>
    /// How old a folder without an owner record must be before it is taken for a leftover: such a folder was
    /// made by an earlier version, or is being made right now and has no record yet.
    /// </summary>
    private static readonly Duration UnrecordedFolderAge = Duration.FromMinutes(10);

    private static readonly Duration WatchdogTimeout = Duration.FromSeconds(10);

    private readonly string _binaries;
    private readonly string _root;
    private readonly bool _asPostgresUser;
    private readonly TextWriter _log;
    private readonly Lock _stopping = new();
    private Process? _watchdog;
    private bool _running;
    private bool _stopped;

    private EmbeddedPostgres(string binaries, string root, int port, bool asPostgresUser, TextWriter log)
    {
        _binaries = binaries;
        _root = root;
        Port = port;
        _asPostgresUser = asPostgresUser;
        _log = log;
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

        RemoveAbandonedClusters(Path.GetTempPath());
        var asPostgresUser = RunningAsRoot;
        var root = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        var port = FreeLoopbackPort();
        var server = new EmbeddedPostgres(binaries, root, port, asPostgresUser, log);
        try
        {
            ClusterOwner.Current.WriteTo(root);
            if (asPostgresUser)
            {
                Run("chown", ["postgres:postgres", root], asPostgresUser: false);
                Run("chmod", ["700", root], asPostgresUser: false);
            }

            server._watchdog = server.StartWatchdog();
            server.RunTool("initdb", ["-D", server.DataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
            server.RunTool("pg_ctl",
            [
                "-D", server.DataDirectory, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60",
                "-o", $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=200" +
                      string.Concat((serverSettings ?? []).Select(s => $" -c {s}")),
                "start",
            ]);
            server._running = true;
            log.WriteLine($"Started a private PostgreSQL on 127.0.0.1:{port} (data in {server.DataDirectory}).");
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Stops the server and removes its folder; a second caller waits for the first to finish.</summary>
    public void Dispose()
    {
        lock (_stopping)
        {
            if (!_stopped)
            {
                _stopped = true;
                Stop();
            }
        }
    }

    /// <summary>
    /// Leaves stopping the server and removing its folder to the watchdog, which starts on it at once, and
    /// returns without waiting: for a process about to exit that may be killed any moment, as the test
    /// platform kills a test host that has not exited 100 ms after the run.
    /// </summary>
    public void StopInBackground()
    {
        lock (_stopping)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            if (_watchdog is null)
            {
                Stop();
                return;
            }

            try
            {
                _watchdog.StandardInput.Close();
            }
            catch (IOException)
            {
                // Already gone.
            }
        }
    }

    private void Stop()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                RunTool("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Best effort: the watchdog, told to end below, stops it at once.
            }
        }

        EndWatchdog();
        RemoveDirectory(_root);
        if (_running)
        {
            _log.WriteLine(Directory.Exists(_root)
                ? $"Stopped the private PostgreSQL on 127.0.0.1:{Port}; its data could not be removed from {_root}."
                : $"Stopped the private PostgreSQL on 127.0.0.1:{Port} and removed its data.");
        }
    }

    /// <summary>
    /// Removes the private clusters under <paramref name="parent"/> whose owner has ended without removing
    /// them, stopping their servers first. A cluster whose owner still runs is never touched, so parallel
    /// test runs and a running API are not disturbed.
    /// </summary>
    public static void RemoveAbandonedClusters(string parent)
    {
        var binaries = FindBinaries();
        var now = SystemClock.Instance.GetCurrentInstant();
        foreach (var directory in Directory.GetDirectories(Path.GetFullPath(parent), DirectoryPrefix + "*"))
        {
            if (!IsAbandoned(directory, now))
            {
                continue;
            }

            var data = Path.Combine(directory, "data");
            if (binaries is not null && ServerRunsIn(data))
            {
                try
                {
                    Run(Path.Combine(binaries, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], RunningAsRoot);
                }
                catch (InvalidOperationException)
                {
                    // Its own watchdog may be stopping it right now; the directory is removed either way.
                }
            }

            RemoveDirectory(directory);
        }
    }

    private static bool IsAbandoned(string directory, Instant now)
    {
        ClusterOwner? owner;
        try
        {
            owner = ClusterOwner.ReadFrom(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Removed meanwhile, or another user's: not ours to judge.
            return false;
        }

        if (owner is not null)
        {
            return !owner.IsAlive;
        }

        var age = now - Instant.FromDateTimeUtc(Directory.GetLastWriteTimeUtc(directory));
        return age > UnrecordedFolderAge && !File.Exists(Path.Combine(directory, "data", "postmaster.pid"));
    }

    /// <summary>
    /// Whether the process named in the cluster's lock file is a server for this data directory: a lock file
    /// left by a server that died names a process id that may since have gone to another process.
    /// </summary>
    private static bool ServerRunsIn(string dataDirectory)
    {
        try
        {
            var processId = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault();
            if (!int.TryParse(processId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return false;
            }

            return File.ReadAllText($"/proc/{id}/cmdline").Split('\0').Contains(dataDirectory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// The server must not outlive this process, however the process ends, and a SIGKILL runs no exit handler.
    /// So a shell watches a pipe whose only writing end this process holds (.NET opens it close-on-exec, so no
    /// other child inherits it): the kernel closes it when this process ends, in whatever way, and the shell's
    /// read then returns end-of-file, at once. Unlike polling a process id, which may meanwhile have gone to
    /// another process, the pipe cannot be mistaken. <c>setsid --fork</c> puts the shell in a session of its own,
    /// already detached from this process, so that neither a Ctrl+C to the terminal's process group nor a kill of
    /// this process's tree ends it first. It runs as the user that started us, so that it can remove the folder
    /// whatever is in it, and switches to the server's user only to stop the server (pg_ctl refuses root).
    /// On a clean stop this process closes the pipe itself and waits for the shell to finish.
    /// </summary>
    private Process StartWatchdog()
    {
        var info = new ProcessStartInfo("setsid")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var argument in (string[])["--fork", "/bin/sh", "-c", WatchdogScript, WatchdogName, _root])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var argument in ToolCommand(Path.Combine(_binaries, "pg_ctl"), _asPostgresUser))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var argument in (string[])["-D", DataDirectory, "-m", "immediate", "-w", "stop"])
        {
            info.ArgumentList.Add(argument);
        }

        var watchdog = Process.Start(info) ?? throw new InvalidOperationException("Could not start the PostgreSQL watchdog.");
        if (!watchdog.WaitForExit(WatchdogTimeout.ToTimeSpan()) || watchdog.ExitCode != 0)
        {
            watchdog.Dispose();
            throw new InvalidOperationException("Could not start the PostgreSQL watchdog (setsid --fork /bin/sh).");
        }

        return watchdog;
    }

    private void EndWatchdog()
    {
        if (_watchdog is null)
        {
            return;
        }

        try
        {
            _watchdog.StandardInput.Close();
            _watchdog.StandardOutput.ReadToEndAsync().Wait(WatchdogTimeout.ToTimeSpan());
        }
        catch (IOException)
        {
            // Already gone.
        }

        _watchdog.Dispose();
    }

    private static void RemoveDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already removed, by its watchdog or another sweep.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A server that would not stop keeps its files; nothing else depends on them.
        }
    }

    private static bool RunningAsRoot => Environment.UserName == "root";

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

    private static IEnumerable<string> ToolCommand(string file, bool asPostgresUser) =>
        asPostgresUser ? ["runuser", "-u", "postgres", "--", file] : [file];

    private static void Run(string file, IReadOnlyList<string> arguments, bool asPostgresUser)
    {
        var command = ToolCommand(file, asPostgresUser).ToList();
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in command.Skip(1).Concat(arguments))
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
