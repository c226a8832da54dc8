using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using JasperFx.CommandLine;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using NodaTime.Testing;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The real API host over real PostgreSQL, in a schema of its own so test classes run in parallel, with a
/// clock the test sets. One instance per test class.
/// </summary>
public class MetricsApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public static readonly Instant Start = Instant.FromUtc(2025, 1, 1, 9, 0);

    static MetricsApp() => JasperFxEnvironment.AutoStartHost = true;

    public FakeClock Clock { get; } = new(Start, Duration.FromMilliseconds(1));

    public string Schema { get; } = $"t_{Guid.NewGuid():N}"[..20];

    /// <summary>The database the host uses: the run's shared one, unless a kind of app brings its own.</summary>
    protected virtual string ConnectionString => TestDatabase.ConnectionString;

    /// <summary>Small, so that every test's "as known at" answers also come through knowledge checkpoints.</summary>
    public const int CheckpointEveryEvents = 3;

    /// <summary>Tiny, so that a rebuild carries customers from page to page and splits recorded instants over pages.</summary>
    public const int RebuildPageSize = 2;

    /// <summary>
    /// Further configuration a kind of app adds to the host's, over any from the environment. By default no broker, even
    /// when the run has one (<c>ConnectionStrings__RabbitMq</c>): messages then use the store's own PostgreSQL queue.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:RabbitMq"] = "",
        ["Messaging:RabbitMq"] = "",
    };

    /// <summary>The key with every scope the test host is configured with; every client made here sends it.</summary>
    public const string AdminKey = "test-admin-key-with-every-scope";

    /// <summary>The name events sent with <see cref="AdminKey"/> are recorded under.</summary>
    public const string AdminKeyName = "admin";

    /// <summary>A client that sends no key at all.</summary>
    public HttpClient CreateClientWithoutKey()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        return client;
    }

    /// <summary>A client that sends the given key.</summary>
    public HttpClient CreateClientWithKey(string key)
    {
        var client = CreateClientWithoutKey();
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    protected override void ConfigureClient(HttpClient client)
    {
        base.ConfigureClient(client);
        client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
    }

    private readonly SemaphoreSlim _seeding = new(1, 1);
    private bool _seeded;

    /// <summary>Runs SQL against the test database outside the host, as an operator or an earlier version would.</summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Loads a test class's shared book once, before the first of its tests.</summary>
    public async Task SeedOnceAsync(Func<Task> seed)
    {
        await _seeding.WaitAsync();
        try
        {
            if (!_seeded)
            {
                await seed();
                _seeded = true;
            }
        }
        finally
        {
            _seeding.Release();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Marten", ConnectionString);
        builder.UseSetting("Marten:Schema", Schema);
        builder.UseSetting("Marten:CheckpointEveryEvents", CheckpointEveryEvents.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Marten:RebuildPageSize", RebuildPageSize.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Auth:AdminKey", AdminKey);
        // Tests send as fast as they can; the limits have tests of their own.
        foreach (var scope in (string[])["Write", "Read", "Admin"])
        {
            builder.UseSetting($"Auth:RequestsPerSecond:{scope}", "1000000");
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IClock>();
            services.AddSingleton<IClock>(Clock);
        });
    }

    public Task InitializeAsync()
    {
        _ = Server;
        return Task.CompletedTask;
    }

    public new async Task DisposeAsync()
    {
        _seeding.Dispose();
        await base.DisposeAsync();
        Stopped();
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what a kind of app brought with it, once its host has stopped.</summary>
    protected virtual void Stopped()
    {
    }

    /// <summary>Runs a rebuild on the API host's own command line, as an operator would, against this test's schema.</summary>
    public async Task RunHostCommandAsync(params string[] arguments)
    {
        var output = await HostCommand.RunAsync(AppContext.BaseDirectory, HostCommandEnvironment, arguments);
        Assert.Contains("Finished rebuilding", output);
    }

    /// <summary>Runs the API host's own command line, as an operator would, against this test's schema, whatever it exits with.</summary>
    public Task<HostExit> ExecuteHostCommandAsync(params string[] arguments) =>
        HostCommand.ExecuteAsync(AppContext.BaseDirectory, HostCommandEnvironment, arguments);

    private Dictionary<string, string> HostCommandEnvironment => new()
    {
        ["ConnectionStrings__Marten"] = ConnectionString,
        ["Marten__Schema"] = Schema,
        ["Marten__CheckpointEveryEvents"] = CheckpointEveryEvents.ToString(CultureInfo.InvariantCulture),
        ["Marten__RebuildPageSize"] = RebuildPageSize.ToString(CultureInfo.InvariantCulture),
    };

    public async Task<Reply> PostEventsAsync(string json)
    {
        using var client = CreateClient();
        using var response = await client.PostAsync("/api/v1/events", new StringContent(json, Encoding.UTF8, "application/json"));
        return await Reply.ReadAsync(response);
    }

    /// <summary>POSTs with no body, as an action on a resource.</summary>
    public async Task<Reply> PostAsync(string path)
    {
        using var client = CreateClient();
        using var response = await client.PostAsync(path, null);
        return await Reply.ReadAsync(response);
    }

    public async Task<Reply> GetAsync(string path)
    {
        using var client = CreateClient();
        using var response = await client.GetAsync(path);
        return await Reply.ReadAsync(response);
    }

    /// <summary>Records the events as of the given instant on the clock.</summary>
    public async Task<Reply> PostEventsAtAsync(Instant at, string json)
    {
        Clock.Reset(at);
        return await PostEventsAsync(json);
    }
}

public sealed record Reply(HttpStatusCode Status, string? ContentType, JsonNode? Body, string Text)
{
    public static async Task<Reply> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return new Reply(response.StatusCode, response.Content.Headers.ContentType?.MediaType,
            text.Length == 0 ? null : JsonNode.Parse(text), text);
    }

    public JsonNode this[string name] => Body?[name] ?? throw new InvalidOperationException($"'{name}' is missing from {Text}");

    public decimal Decimal(string name) => this[name].GetValue<decimal>();

    public Reply ShouldBe(HttpStatusCode expected)
    {
        Assert.True(Status == expected, $"Expected {(int)expected} but got {(int)Status}: {Text}");
        return this;
    }
}
