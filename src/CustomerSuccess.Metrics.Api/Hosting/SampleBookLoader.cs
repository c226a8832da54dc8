using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.SampleBook;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CustomerSuccess.Metrics.Api.Hosting;

/// <summary>
/// Publishes a generated sample book of business through the public HTTP API once the host is listening,
/// exactly as another service would, then says where to look.
/// </summary>
public sealed class SampleBookLoader(
    IServer server, IHostApplicationLifetime lifetime, SampleBookOptions options, ILogger<SampleBookLoader> logger)
    : BackgroundService
{
    private const int BatchSize = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The host is not listening on any address.");
        var baseAddress = new Uri(address.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1")
            .Replace("://0.0.0.0", "://127.0.0.1").Replace("://[::]", "://127.0.0.1"));
        using var client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };

        var events = SampleBookGenerator.Generate(options);
        logger.LogInformation("Publishing a sample book of {Customers} customers ({Events} events) to {Address}",
            options.Customers, events.Count, baseAddress);
        foreach (var batch in events.Chunk(BatchSize))
        {
            using var response = await client.PostAsJsonAsync("/api/v1/events", new JsonArray([.. batch.Select(e => e.DeepClone())]), stoppingToken);
            if (!response.IsSuccessStatusCode)
            {
                logger.LogError("The sample book was refused: {Status} {Body}", response.StatusCode,
                    await response.Content.ReadAsStringAsync(stoppingToken));
                return;
            }
        }

        var asOf = options.End.ToString("yyyy-MM-dd");
        var sampleCustomer = events.Select(e => e["customerId"]?.GetValue<string>()).First(id => id is not null);
        Console.WriteLine($"""

            Sample book loaded: {options.Customers} customers, {events.Count} events. Look at:
              {baseAddress}api/v1/arr?asOf={asOf}
              {baseAddress}api/v1/arr?asOf={asOf}&segment=enterprise
              {baseAddress}api/v1/customers/{sampleCustomer}?asOf={asOf}
              {baseAddress}api/v1/customers/{sampleCustomer}/events
            Press Ctrl+C to stop (the private PostgreSQL, if one was started, stops with it).

            """);
    }
}
