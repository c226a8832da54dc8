using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.Api.Hosting;
using CustomerSuccess.Metrics.SampleBook;
using Microsoft.Playwright;
using Npgsql;

namespace CustomerSuccess.Metrics.BrowserTests;

/// <summary>
/// The API host in a process of its own on a real loopback port (a browser cannot reach an in-memory test server),
/// over a schema of its own in the run's PostgreSQL, loaded with a generated book through POST /api/v1/events;
/// and Debian's chromium, driven by Playwright. Shared by every browser test.
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>The customer signed in the last request: as known at <see cref="BookKnownAt"/> it does not exist yet.</summary>
    public const string LateCustomer = "late-signer";
    public const decimal LateCustomerArr = 12_000m;

    private static readonly string[] ChromiumArguments =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private readonly StringBuilder _output = new();
    private readonly string _schema = $"browser_{Guid.NewGuid():N}"[..24];
    private EmbeddedPostgres? _privateServer;
    private string _connectionString = "";
    private Process? _api;
    private IPlaywright? _playwright;

    /// <summary>The key with every scope the API is started with; the seeding and the tests' own API reads send it.</summary>
    public const string AdminKey = "browser-test-admin-key";

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    /// <summary>A key that may only read figures, made through the API for the dashboard, as a deployment would.</summary>
    public string ReadKey { get; private set; } = "";
    public HttpClient Api { get; private set; } = new();
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The last instant of the generated book, before the late customer was recorded.</summary>
    public string BookKnownAt { get; private set; } = "";

    /// <summary>Where screenshots go: <c>CSM_TEST_ARTIFACTS</c>, else a folder beside the tests.</summary>
    public static string Artifacts
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("CSM_TEST_ARTIFACTS");
            var folder = string.IsNullOrWhiteSpace(configured) ? Path.Combine(AppContext.BaseDirectory, "artifacts") : configured;
            Directory.CreateDirectory(folder);
            return folder;
        }
    }

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"The browser tests drive {ChromiumPath}: apt-get install -y chromium");
        _connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__Marten") ?? "";
        if (string.IsNullOrWhiteSpace(_connectionString))
        {
            _privateServer = EmbeddedPostgres.Start(TextWriter.Null, ["fsync=off", "synchronous_commit=off", "full_page_writes=off"]);
            _connectionString = _privateServer.ConnectionString;
        }

        BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
        Api = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        StartApi();
        await WaitUntilReadyAsync();
        await SeedAsync();
        using (var created = await Api.PostAsync("/api/v1/keys",
                   new StringContent("""{"name": "dashboard", "scopes": ["metrics:read"], "expiresAt": null}""", Encoding.UTF8, "application/json")))
        {
            var body = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, body);
            ReadKey = JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArguments,
        });
    }

    public async Task DisposeAsync()
    {
        if (_playwright is not null)
        {
            await Browser.CloseAsync();
            _playwright.Dispose();
        }

        Api.Dispose();
        if (_api is { HasExited: false })
        {
            _api.Kill(entireProcessTree: true);
            await _api.WaitForExitAsync();
        }

        _api?.Dispose();
        if (_privateServer is not null)
        {
            _privateServer.Dispose();
            return;
        }

        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    /// <summary>GET an API path as JSON.</summary>
    public async Task<JsonElement> GetAsync(string pathAndQuery)
    {
        using var response = await Api.GetAsync(pathAndQuery);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {pathAndQuery}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private void StartApi()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        // As HostCommand in the integration tests: the host's command line loads every assembly in this folder,
        // so it runs with this test assembly's dependency list.
        var depsFile = Path.Combine(AppContext.BaseDirectory, $"{typeof(DashboardHost).Assembly.GetName().Name}.deps.json");
        foreach (var argument in (string[])["exec", "--depsfile", depsFile, Path.Combine(AppContext.BaseDirectory, "CustomerSuccess.Metrics.Api.dll"),
                     "--urls", BaseAddress.ToString().TrimEnd('/')])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["ConnectionStrings__Marten"] = _connectionString;
        info.Environment["Marten__Schema"] = _schema;
        info.Environment["Auth__AdminKey"] = AdminKey;
        // The contract-events queue stays in PostgreSQL: these tests are about the dashboard, not the broker.
        info.Environment.Remove("ConnectionStrings__RabbitMq");
        _api = Process.Start(info)!;
        _api.OutputDataReceived += (_, line) => Keep(line.Data);
        _api.ErrorDataReceived += (_, line) => Keep(line.Data);
        _api.BeginOutputReadLine();
        _api.BeginErrorReadLine();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(3))
        {
            Assert.False(_api!.HasExited, $"The API exited with {(_api.HasExited ? _api.ExitCode : 0)}: {Output()}");
            try
            {
                using var response = await Api.GetAsync("/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(250);
        }

        Assert.Fail($"The API did not become ready: {Output()}");
    }

    /// <summary>The months closed after the book was recorded and before the late customer: December is restated by it.</summary>
    public static readonly string[] ClosedMonths = ["2025-11", "2025-12"];

    /// <summary>
    /// A generated book in several requests (so several recorded instants), November and December 2025 closed, then one
    /// late customer on its own, signed in December.
    /// </summary>
    private async Task SeedAsync()
    {
        var book = SampleBookGenerator.Generate(new SampleBookOptions(200, 7, new DateOnly(2022, 1, 1), new DateOnly(2025, 12, 31)));
        foreach (var batch in book.Chunk(500))
        {
            await PostAsync(new JsonArray([.. batch.Select(e => e.DeepClone())]));
        }

        var knowledge = await GetAsync("/api/v1/knowledge?limit=1");
        var total = knowledge.GetProperty("total").GetInt32();
        var last = await GetAsync($"/api/v1/knowledge?offset={total - 1}&limit=1");
        BookKnownAt = last.GetProperty("instants")[0].GetProperty("recordedAt").GetString()!;
        foreach (var month in ClosedMonths)
        {
            using var closed = await Api.PostAsync($"/api/v1/periods/{month}/close", null);
            Assert.True(closed.StatusCode == System.Net.HttpStatusCode.Created, await closed.Content.ReadAsStringAsync());
        }

        await PostAsync(JsonNode.Parse($$$"""
            {"eventId":"late-1","type":"contract.signed","customerId":"{{{LateCustomer}}}","contractId":"late-c1",
             "effectiveDate":"2025-12-15","arr":{{{LateCustomerArr}}},"termEndDate":"2026-12-14","product":"core",
             "customer":{"name":"Late Signer Ltd","segment":"smb","csm":"dana"}}
            """)!);
    }

    private async Task PostAsync(JsonNode body)
    {
        using var response = await Api.PostAsJsonAsync("/api/v1/events", body);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/v1/events: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardHost>
{
    public const string Name = "dashboard";
}
