using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using CustomerSuccess.Metrics.Api.Hosting;
using NodaTime;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The private PostgreSQL the API host starts when no connection string is configured ends with the host,
/// however the host ends. Each test runs the built host as a process of its own whose temporary folder is one
/// made for the test, so that only clusters these tests create are ever looked at or removed.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class PrivatePostgresTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly string _temporary;

    public PrivatePostgresTests()
    {
        _temporary = Directory.CreateTempSubdirectory("csm-lifetime-").FullName;
        // Like /tmp: the server's own user creates and removes its folder here.
        File.SetUnixFileMode(_temporary, (UnixFileMode)Convert.ToInt32("1777", 8));
    }

    [Fact]
    public async Task killing_the_host_stops_its_private_postgres_and_removes_its_folder()
    {
        await using var host = await HostProcess.StartAsync(_temporary);
        Assert.True(await AcceptsConnectionsAsync(host.Port), "the private PostgreSQL should be up");

        host.Kill();

        await AssertGoneWithinAsync(host, Bound);
    }

    [Fact]
    public async Task stopping_the_host_stops_its_private_postgres_and_removes_its_folder()
    {
        await using var host = await HostProcess.StartAsync(_temporary);
        await host.WaitUntilListeningAsync();

        var exitCode = await host.TerminateAsync();

        Assert.True(exitCode == 0, $"exit {exitCode}: {host.Output}");
        Assert.Contains($"Stopped the private PostgreSQL on 127.0.0.1:{host.Port} and removed its data.", host.Output);
        await AssertGoneWithinAsync(host, Bound);
    }

    [Fact]
    public async Task a_start_stops_and_removes_a_cluster_whose_host_and_watchdog_were_both_killed()
    {
        await using var host = await HostProcess.StartAsync(_temporary);
        var watchdog = ProcessesWhoseArguments(a => a.Contains(EmbeddedPostgres.WatchdogName) && a.Contains(host.Folder));
        Assert.NotEmpty(watchdog);
        foreach (var process in watchdog)
        {
            Kill(process);
        }

        host.Kill();
        await host.WaitForExitAsync();
        Assert.True(await AcceptsConnectionsAsync(host.Port), "with its watchdog gone, the server should still be up");
        Assert.True(Directory.Exists(host.Folder));

        EmbeddedPostgres.RemoveAbandonedClusters(_temporary);

        await AssertGoneWithinAsync(host, TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void a_start_removes_only_the_folders_whose_owner_is_gone()
    {
        var current = ClusterOwner.Current;
        var living = Folder("living", current);
        var reused = Folder("reused", current with { StartTime = current.StartTime - 1 });
        var ended = Folder("ended", EndedProcess());
        var unrecordedNew = Folder("unrecorded-new", null);
        var unrecordedOld = Folder("unrecorded-old", null);
        Directory.SetLastWriteTimeUtc(unrecordedOld, (SystemClock.Instance.GetCurrentInstant() - Duration.FromHours(1)).ToDateTimeUtc());

        EmbeddedPostgres.RemoveAbandonedClusters(_temporary);

        Assert.True(Directory.Exists(living), "the folder of a running process is left alone");
        Assert.True(File.Exists(Path.Combine(living, "data", "PG_VERSION")));
        Assert.False(Directory.Exists(reused), "a running process that reuses the owner's id does not keep the folder");
        Assert.False(Directory.Exists(ended), "the folder of a process that ended is removed");
        Assert.True(Directory.Exists(unrecordedNew), "a folder without a record may be one being created right now");
        Assert.False(Directory.Exists(unrecordedOld), "an old folder without a record or a server is a leftover");
    }

    public void Dispose()
    {
        EmbeddedPostgres.RemoveAbandonedClusters(_temporary);
        try
        {
            Directory.Delete(_temporary, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A server that outlived its test keeps its folder; the assertions have said so.
        }
    }

    private string Folder(string name, ClusterOwner? owner)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_temporary, EmbeddedPostgres.DirectoryPrefix + name)).FullName;
        owner?.WriteTo(folder);
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "data")).FullName, "PG_VERSION"), "15\n");
        return folder;
    }

    private static ClusterOwner EndedProcess()
    {
        using var process = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var owner = ClusterOwner.Of(process.Id)!;
        process.Kill();
        process.WaitForExit();
        return owner;
    }

    private static async Task AssertGoneWithinAsync(HostProcess host, TimeSpan bound)
    {
        var elapsed = Stopwatch.StartNew();
        while (true)
        {
            var serving = await AcceptsConnectionsAsync(host.Port);
            var folderLeft = Directory.Exists(host.Folder);
            var processesLeft = ProcessesWhoseArguments(a => a.Any(x => x.Contains(host.Folder, StringComparison.Ordinal)));
            if (!serving && !folderLeft && processesLeft.Count == 0)
            {
                return;
            }

            if (elapsed.Elapsed >= bound)
            {
                Assert.Fail($"After {elapsed.Elapsed.TotalSeconds:0.0} s: accepting connections {serving}, folder left {folderLeft}, " +
                            $"processes left [{string.Join(", ", processesLeft)}]\n{host.Output}");
            }

            await Task.Delay(100);
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The ids of the processes whose command line arguments match.</summary>
    private static List<int> ProcessesWhoseArguments(Func<string[], bool> match)
    {
        var found = new List<int>();
        foreach (var entry in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                continue;
            }

            try
            {
                if (match(File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0')))
                {
                    found.Add(id);
                }
            }
            catch (IOException)
            {
                // Ended meanwhile.
            }
        }

        return found;
    }

    private static void Kill(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Ended meanwhile.
        }
    }

    /// <summary>The built API host run as an operator runs it, with no connection string, on a free loopback port.</summary>
    private sealed partial class HostProcess : IAsyncDisposable
    {
        private static readonly TimeSpan StartupBound = TimeSpan.FromMinutes(3);

        private readonly Process _process;
        private readonly ConcurrentQueue<string> _output = new();
        private readonly TaskCompletionSource<Match> _postgresStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _outputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _openStreams = 2;

        private HostProcess(Process process) => _process = process;

        public int Port { get; private set; }

        /// <summary>The cluster's folder: the parent of its data directory.</summary>
        public string Folder { get; private set; } = "";

        public string Output => string.Join('\n', _output);

        [GeneratedRegex(@"^Started a private PostgreSQL on 127\.0\.0\.1:(?<port>\d+) \(data in (?<data>.+)\)\.$")]
        private static partial Regex PostgresStarted();

        public static async Task<HostProcess> StartAsync(string temporaryFolder)
        {
            var info = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = AppContext.BaseDirectory,
            };
            foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "CustomerSuccess.Metrics.Api.dll"), "--urls", "http://127.0.0.1:0"])
            {
                info.ArgumentList.Add(argument);
            }

            // The test run may itself be configured with a server (CI sets ConnectionStrings__Marten); the host must not be.
            foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                info.Environment.Remove(name);
            }

            info.Environment["TMPDIR"] = temporaryFolder;

            var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the API host.");
            var host = new HostProcess(process);
            process.OutputDataReceived += (_, e) => host.Receive(e.Data);
            process.ErrorDataReceived += (_, e) => host.Receive(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                var started = await host._postgresStarted.Task.WaitAsync(StartupBound);
                host.Port = int.Parse(started.Groups["port"].Value, CultureInfo.InvariantCulture);
                host.Folder = Path.GetDirectoryName(started.Groups["data"].Value)!;
                Assert.StartsWith(temporaryFolder, host.Folder);
                return host;
            }
            catch
            {
                await host.DisposeAsync();
                throw;
            }
        }

        public Task WaitUntilListeningAsync() => _listening.Task.WaitAsync(StartupBound);

        /// <summary>SIGKILL: no exit handler or finally block of the host runs.</summary>
        public void Kill() => _process.Kill(entireProcessTree: false);

        public async Task WaitForExitAsync()
        {
            await _process.WaitForExitAsync().WaitAsync(StartupBound);
            await _outputEnded.Task.WaitAsync(StartupBound);
        }

        /// <summary>SIGTERM, as a service manager stops a service; returns the host's exit code.</summary>
        public async Task<int> TerminateAsync()
        {
            using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])
                   { UseShellExecute = false })!)
            {
                await kill.WaitForExitAsync();
            }

            await WaitForExitAsync();
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: false);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void Receive(string? line)
        {
            if (line is null)
            {
                if (Interlocked.Decrement(ref _openStreams) == 0)
                {
                    var ended = new InvalidOperationException($"The host ended:\n{Output}");
                    _postgresStarted.TrySetException(ended);
                    _listening.TrySetException(ended);
                    _outputEnded.TrySetResult();
                }

                return;
            }

            _output.Enqueue(line);
            var started = PostgresStarted().Match(line);
            if (started.Success)
            {
                _postgresStarted.TrySetResult(started);
            }

            if (line.Contains(StartupBanner.RunningLine, StringComparison.Ordinal))
            {
                _listening.TrySetResult();
            }
        }
    }
}
