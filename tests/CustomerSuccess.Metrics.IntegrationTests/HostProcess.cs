using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The built API host serving HTTP in a process of its own, on a free loopback port, as a deployment runs it: until it
/// is killed, as a crash would, or disposed.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    private const int LinesKept = 80;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private HostProcess(Process process, Uri address)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", MetricsApp.AdminKey);
    }

    public HttpClient Client { get; }

    public int Id => _process.Id;

    /// <summary>Starts the host with the given environment and waits until it answers a figure.</summary>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var address = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}");
        var withAddress = new Dictionary<string, string>(environment)
        {
            ["urls"] = address.ToString().TrimEnd('/'),
            ["Auth__AdminKey"] = MetricsApp.AdminKey,
        };
        var process = Process.Start(HostCommand.StartInfo(AppContext.BaseDirectory, withAddress))!;
        var host = new HostProcess(process, address);
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await host.WaitUntilAnsweringAsync(timeout);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the process outright (SIGKILL), as a crash or an out-of-memory kill would: no shutdown, no draining.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    public string RecentOutput() => string.Join('\n', _output);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await KillAsync();
        _process.Dispose();
    }

    private async Task WaitUntilAnsweringAsync(TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process.HasExited, $"The host exited with {(_process.HasExited ? _process.ExitCode : 0)}:\n{RecentOutput()}");
            try
            {
                using var response = await Client.GetAsync("/api/v1/arr?asOf=2025-01-01");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Assert.True(stopwatch.Elapsed < timeout, $"The host did not answer within {timeout.TotalSeconds} s:\n{RecentOutput()}");
            await Task.Delay(100);
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > LinesKept)
        {
            _output.TryDequeue(out _);
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
