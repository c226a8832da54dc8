using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Wolverine.Runtime;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>The API host reading contract events from a queue of its own on the run's real RabbitMQ broker.</summary>
public sealed class RabbitMetricsApp : MetricsApp
{
    public string Queue { get; } = $"csm.contract-events.{Guid.NewGuid():N}";

    public string IntegrationEvents { get; } = $"csm.integration-events.{Guid.NewGuid():N}";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:RabbitMq"] = TestBroker.Uri,
        ["Messaging:ContractEventsQueue"] = Queue,
        ["Messaging:IntegrationEventsExchange"] = IntegrationEvents,
    };

    /// <summary>Publishes with a plain AMQP client, as any service would: no Wolverine, no headers but those given.</summary>
    public async Task PublishAsync(IEnumerable<(byte[] Body, string? ContentType)> messages)
    {
        var factory = new ConnectionFactory { Uri = new Uri(TestBroker.Uri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var (body, contentType) in messages)
        {
            var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = contentType };
            await channel.BasicPublishAsync("", Queue, false, properties, body);
        }
    }
}

[Collection(TestBroker.Collection)]
public class RabbitBusTests(RabbitMetricsApp app) : IClassFixture<RabbitMetricsApp>
{
    private static (byte[], string?) Json(string json, string? contentType = "application/json") => (Encoding.UTF8.GetBytes(json), contentType);

    /// <summary>A customer's history as single-event messages, and the ARR it ends with.</summary>
    private static (List<(byte[], string?)> Messages, decimal Arr) History(string prefix, int customer)
    {
        var id = $"{prefix}-{customer}";
        var arr = 1_000m + customer;
        var messages = new List<(byte[], string?)> { Json(Signed($"{id}-0", id, $"{id}-c1", "2024-01-01", arr), customer % 3 == 0 ? null : "application/json") };
        for (var i = 1; i <= 3; i++)
        {
            messages.Add(Json(Upsold($"{id}-{i}", id, $"{id}-c1", $"2024-0{i + 1}-01", i * 10m), customer % 4 == 0 ? "text/plain" : "application/json"));
            arr += i * 10m;
        }

        return (messages, arr);
    }

    private async Task<decimal> ArrAsync(string customer) =>
        (await app.GetAsync($"/api/v1/customers/{customer}?asOf=2030-01-01")).ShouldBe(HttpStatusCode.OK).Decimal("arr");

    [Fact]
    public async Task plain_json_from_any_amqp_client_is_recorded_once_in_order_and_what_http_would_refuse_waits_as_a_dead_letter()
    {
        const int customers = 40;
        var histories = Enumerable.Range(1, customers).Select(c => History("rb", c)).ToList();
        // Customers interleaved, each customer's events in order; every fifth message published twice.
        var messages = Enumerable.Range(0, 4).SelectMany(step => histories.Select(h => h.Messages[step]))
            .SelectMany((m, i) => i % 5 == 0 ? [m, m] : new[] { m }).ToList();
        messages.Add(Json("{\"eventId\": \"rb-broken\", "));
        messages.Add(([0xff, 0xfe, 0x7b, 0x7d], "application/json"));
        messages.Add(Json("""{"eventId":"rb-x1","type":"contract.upsold","customerId":"rb-1","contractId":"rb-1-c1","effectiveDate":"2024-06-01","arrIncrease":5,"colour":"red"}"""));
        messages.Add(Json(Upsold("rb-x2", "rb-2", "rb-2-none", "2024-06-01", 5)));
        messages.Add(Json(Batch(Upsold("rb-x3", "rb-3", "rb-3-c1", "2024-06-01", 5), Downsold("rb-x4", "rb-3", "rb-3-c1", "2024-07-01", 1_000_000))));

        await app.PublishAsync(messages);

        var deadLetters = await Eventually.GetAsync(app, "/api/v1/dead-letters", r => r["total"].GetValue<long>() == 5);
        await Eventually.GetAsync(app, $"/api/v1/customers/rb-{customers}/events", r => r["events"].AsArray().Count == 4);
        foreach (var (customer, (_, arr)) in histories.Select((h, i) => (i + 1, h)))
        {
            Assert.Equal(arr, await ArrAsync($"rb-{customer}"));
            Assert.Equal(4, (await app.GetAsync($"/api/v1/customers/rb-{customer}/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray().Count);
        }

        var statuses = deadLetters["deadLetters"].AsArray().Select(l => l!["status"]!.GetValue<int>()).Order();
        Assert.Equal([400, 400, 400, 422, 422], statuses);
    }

    [Fact]
    public async Task a_consumer_stopped_mid_stream_picks_up_where_it_left_off()
    {
        var runtime = app.Services.GetRequiredService<IWolverineRuntime>();
        var endpoint = runtime.Endpoints.EndpointFor(new Uri($"rabbitmq://queue/{app.Queue}"))
                       ?? throw new InvalidOperationException($"No endpoint listens to {app.Queue}");
        var histories = Enumerable.Range(1, 20).Select(c => History("rs", c)).ToList();

        await app.PublishAsync(histories.SelectMany(h => h.Messages.Take(2)));
        await Eventually.GetAsync(app, "/api/v1/customers/rs-20/events", r => r["events"].AsArray().Count == 2);
        await runtime.Endpoints.StopListenerAsync(endpoint, CancellationToken.None);
        await app.PublishAsync(histories.SelectMany(h => h.Messages.Skip(2)));
        await Task.Delay(1_000);
        Assert.Equal(2, (await app.GetAsync("/api/v1/customers/rs-1/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray().Count);
        await runtime.Endpoints.StartListenerAsync(endpoint, CancellationToken.None);

        await Eventually.GetAsync(app, "/api/v1/customers/rs-20/events", r => r["events"].AsArray().Count == 4);
        foreach (var (customer, (_, arr)) in histories.Select((h, i) => (i + 1, h)))
        {
            Assert.Equal(arr, await ArrAsync($"rs-{customer}"));
        }
    }

    [Fact]
    public async Task a_broker_restarted_mid_stream_is_reconnected_to_and_nothing_is_lost()
    {
        Assert.True(TestBroker.CanRestart, "The broker's folder is unknown: set CSM_RABBITMQ_DIR with ConnectionStrings__RabbitMq");
        var histories = Enumerable.Range(1, 20).Select(c => History("rr", c)).ToList();

        await app.PublishAsync(histories.SelectMany(h => h.Messages.Take(2)));
        await TestBroker.RestartAsync(TimeSpan.FromSeconds(2));
        await app.PublishAsync(histories.SelectMany(h => h.Messages.Skip(2)));

        await Eventually.GetAsync(app, "/api/v1/customers/rr-20/events", r => r["events"].AsArray().Count == 4, seconds: 90);
        foreach (var (customer, (_, arr)) in histories.Select((h, i) => (i + 1, h)))
        {
            Assert.Equal(arr, await ArrAsync($"rr-{customer}"));
        }
    }
}
