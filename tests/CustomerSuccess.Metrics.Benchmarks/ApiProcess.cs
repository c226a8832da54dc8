using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CustomerSuccess.Metrics.Benchmarks;

/// <summary>
/// The real API host, built in Release and run as a separate process on a free loopback port against one
/// schema, so its HTTP, JSON and memory costs are measured as a deployment pays them.
/// </summary>
internal sealed class ApiProcess : IAsyncDisposable
{
    private const int LogLinesKept = 60;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private long _earlierPeak;

    private ApiProcess(Process process, Uri address)
    {
        _process = process;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(30) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
    }

    /// <summary>The key with every scope the API is started with; its rates are not limited, since speed is what is measured.</summary>
    public const string AdminKey = "benchmark-admin-key";

    public HttpClient Client { get; }

    public static string ProjectPath(string repository) =>
        Path.Combine(repository, "src", "CustomerSuccess.Metrics.Api", "CustomerSuccess.Metrics.Api.csproj");

    public static string AssemblyPath(string repository) =>
        Path.Combine(repository, "src", "CustomerSuccess.Metrics.Api", "bin", "Release", "net10.0", "CustomerSuccess.Metrics.Api.dll");

    /// <summary>Builds the host in Release from the sources as they are now.</summary>
    public static async Task BuildAsync(string repository, TextWriter log, CancellationToken cancellation)
    {
        log.WriteLine("Building the API in Release");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = repository,
        };
        foreach (var argument in (string[])["build", ProjectPath(repository), "-c", "Release", "--nologo", "-v", "q"])
        {
            info.ArgumentList.Add(argument);
        }

        await RunToCompletionAsync(info, "Building the API", cancellation);
    }

    /// <summary>
    /// Runs the host's command line to completion against one schema, as an operator would (for example
    /// <c>projections rebuild</c>), with the host's own runtime configuration. Throws when it fails.
    /// </summary>
    public static async Task RunCommandAsync(
        string repository, string connectionString, string schema, IEnumerable<string> arguments, CancellationToken cancellation)
    {
        var assembly = AssemblyPath(repository);
        var info = HostStartInfo(assembly, connectionString, schema);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        await RunToCompletionAsync(info, $"The host's command line ({string.Join(' ', arguments)})", cancellation);
    }

    private static async Task RunToCompletionAsync(ProcessStartInfo info, string what, CancellationToken cancellation)
    {
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{what}: could not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var error = process.StandardError.ReadToEndAsync(cancellation);
        await process.WaitForExitAsync(cancellation);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed ({process.ExitCode}):\n{await output}{await error}");
        }
    }

    /// <param name="settings">Further configuration, as environment variables (for example a message broker).</param>
    public static async Task<ApiProcess> StartAsync(
        string repository, string connectionString, string schema, TextWriter log, CancellationToken cancellation,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var address = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}");
        var info = HostStartInfo(AssemblyPath(repository), connectionString, schema);
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        foreach (var argument in (string[])["--urls", address.ToString().TrimEnd('/')])
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the API.");
        var api = new ApiProcess(process, address);
        process.OutputDataReceived += (_, e) => api.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => api.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log.WriteLine($"Started the API (pid {process.Id}) at {address} on schema {schema}");

        try
        {
            await api.WaitUntilReadyAsync(cancellation);
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }

        return api;
    }

    /// <summary>
    /// Peak resident set size of the API process since it started (VmHWM, which /proc gives in KiB), in bytes, including
    /// the peaks before each <see cref="StartNewPeak"/>.
    /// </summary>
    public long PeakResidentBytes() => Math.Max(_earlierPeak, Status("VmHWM:"));

    /// <summary>Resident set size of the API process now (VmRSS), in bytes.</summary>
    public long ResidentBytes() => Status("VmRSS:");

    /// <summary>
    /// Starts the kernel's peak (VmHWM) again from the resident set now, so that <see cref="PeakSinceStartBytes"/> gives the
    /// peak of what follows as the kernel keeps it; the peak before is kept for <see cref="PeakResidentBytes"/>.
    /// </summary>
    public void StartNewPeak()
    {
        _earlierPeak = PeakResidentBytes();
        File.WriteAllText($"/proc/{_process.Id}/clear_refs", "5");
    }

    /// <summary>Peak resident set size since the last <see cref="StartNewPeak"/>, in bytes.</summary>
    public long PeakSinceStartBytes() => Status("VmHWM:");

    /// <summary>CPU time the API process has used so far, user and system.</summary>
    public TimeSpan ProcessorTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    private long Status(string field)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    public string RecentOutput() => string.Join('\n', _output);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary>
    /// Waits for the first read to succeed, then sends an empty batch (refused with 400, nothing recorded) so
    /// that both endpoints have been compiled before anything is timed.
    /// </summary>
    private async Task WaitUntilReadyAsync(CancellationToken cancellation)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The API exited with {_process.ExitCode}:\n{RecentOutput()}");
            }

            try
            {
                using var response = await Client.GetAsync("/api/v1/arr?asOf=2025-01-01", cancellation);
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(3))
            {
                throw new TimeoutException($"The API did not answer within 3 minutes:\n{RecentOutput()}");
            }

            await Task.Delay(250, cancellation);
        }

        using var refused = await Client.PostAsync("/api/v1/events",
            new StringContent("[]", Encoding.UTF8, "application/json"), cancellation);
        if (refused.StatusCode != HttpStatusCode.BadRequest)
        {
            throw new InvalidOperationException($"An empty batch should be refused with 400, got {(int)refused.StatusCode}.");
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > LogLinesKept)
        {
            _output.TryDequeue(out _);
        }
    }

    private static ProcessStartInfo HostStartInfo(string assembly, string connectionString, string schema)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The content root is the working directory: run beside the build output so its appsettings.json applies.
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        info.ArgumentList.Add(assembly);
        info.Environment["ConnectionStrings__Marten"] = connectionString;
        info.Environment["Marten__Schema"] = schema;
        info.Environment["Auth__AdminKey"] = AdminKey;
        info.Environment["Auth__RequestsPerSecond__Write"] = "1000000";
        info.Environment["Auth__RequestsPerSecond__Read"] = "1000000";
        return info;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
