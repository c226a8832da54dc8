using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.SampleBook;
using CustomerSuccess.Metrics.Api.Access;
using Microsoft.AspNetCore.Hosting.Server;

namespace CustomerSuccess.Metrics.Api.Hosting;

/// <summary>
/// Publishes a generated sample book of business through the public HTTP API once the host is listening,
/// exactly as another service would, saying how far it has got: with a key of its own that may only send events,
/// revoked when it is done.
/// </summary>
public sealed class SampleBookLoader(
    IServer server, IHostApplicationLifetime lifetime, SampleBookOptions options, ApiKeys keys, ILogger<SampleBookLoader> logger)
    : BackgroundService
{
    public const string KeyName = "sample-book";

    private const int BatchSize = 500;
    private const int ReportEvery = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = new TaskCompletionSource();
        await using var registration = lifetime.ApplicationStarted.Register(() => listening.TrySetResult());
        await listening.Task.WaitAsync(stoppingToken);

        await keys.RevokeAsync(KeyName, stoppingToken);
        var (_, key) = await keys.CreateAsync(KeyName, [Scopes.EventsWrite], expiresAt: null, stoppingToken);
        try
        {
            await LoadAsync(key!, stoppingToken);
        }
        finally
        {
            await keys.RevokeAsync(KeyName, CancellationToken.None);
        }
    }

    private async Task LoadAsync(string key, CancellationToken stoppingToken)
    {
        using var client = new HttpClient { BaseAddress = StartupBanner.BaseAddress(server), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Add(AccessOptions.ApiKeyHeader, key);

        var events = SampleBookGenerator.Generate(options);
        var started = Stopwatch.GetTimestamp();
        var sent = 0;
        var nextReport = ReportEvery;
        foreach (var batch in events.Chunk(BatchSize))
        {
            using var response = await client.PostAsJsonAsync("/api/v1/events", new JsonArray([.. batch.Select(e => e.DeepClone())]), stoppingToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogError("The sample book was refused: {Status} {Body}", response.StatusCode,
                    await response.Content.ReadAsStringAsync(stoppingToken));
                return;
            }

            sent += batch.Length;
            if (sent >= nextReport && sent < events.Count)
            {
                Console.WriteLine($"Sample book: {sent:N0} of {events.Count:N0} events sent ({Rate(sent, started)})");
                nextReport += ReportEvery;
            }
        }

        Console.WriteLine(
            $"Sample book loaded: {options.Customers:N0} customers, {events.Count:N0} events in " +
            $"{Stopwatch.GetElapsedTime(started).TotalSeconds:N1} s ({Rate(events.Count, started)}), recorded through POST /api/v1/events.");
    }

    private static string Rate(int events, long started) =>
        $"{events / Math.Max(Stopwatch.GetElapsedTime(started).TotalSeconds, 0.001):N0} events/s";
}
