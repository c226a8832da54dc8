using System.Collections.Concurrent;
using System.Net;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using static CustomerSuccess.Metrics.IntegrationTests.Events;
using V1 = CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// A subscriber on the integration-events exchange, with nothing but an AMQP client and the contracts package, hears of
/// every ARR movement recorded and of every later restatement, and can rebuild from them exactly the movements the
/// engine reports.
/// </summary>
[Collection(TestBroker.Collection)]
public class ArrChangeFeedTests(RabbitMetricsApp app) : IClassFixture<RabbitMetricsApp>
{
    private sealed record Heard(string Type, byte[] Body);

    [Fact]
    public async Task what_a_subscriber_hears_adds_up_to_the_movements_recorded_including_restatements()
    {
        var heard = new ConcurrentQueue<Heard>();
        var factory = new ConnectionFactory { Uri = new Uri(TestBroker.Uri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(app.IntegrationEvents, ExchangeType.Fanout, durable: true);
        var queue = (await channel.QueueDeclareAsync()).QueueName;
        await channel.QueueBindAsync(queue, app.IntegrationEvents, "");
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            heard.Enqueue(new Heard(delivery.BasicProperties.Type ?? "", delivery.Body.ToArray()));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);

        string[] requests =
        [
            Signed("f-1", "feed-a", "feed-a-c1", "2024-01-15", 10_000),
            Upsold("f-2", "feed-a", "feed-a-c1", "2024-03-01", 2_000),
            Batch(Signed("f-3", "feed-b", "feed-b-c1", "2024-02-01", 5_000), CrossSold("f-4", "feed-b", "feed-b-c2", "2024-02-01", 1_000)),
            Churned("f-5", "feed-b", "feed-b-c1", "2024-06-01"),
            // Backdated: a new day before the upsell, which now starts from a lower ARR (restated), as does the churn.
            Downsold("f-6", "feed-a", "feed-a-c1", "2024-02-01", 500),
            Churned("f-7", "feed-b", "feed-b-c2", "2024-07-01"),
            Signed("f-8", "feed-b", "feed-b-c3", "2024-09-01", 3_000),
            // A void withdraws the contraction and restates the upsell back.
            Voided("f-9", "f-6"),
            // Refused: nothing is heard of it.
            Upsold("f-10", "feed-a", "feed-a-none", "2024-04-01", 1),
        ];
        foreach (var request in requests)
        {
            await app.PostEventsAsync(request);
        }

        var movements = new List<(string Customer, string Date, string Kind, string EventIds)>();
        foreach (var customer in (string[])["feed-a", "feed-b"])
        {
            var audit = (await app.GetAsync($"/api/v1/audit/movements?from=2024-01-01&to=2024-12-31&customerId={customer}"))
                .ShouldBe(HttpStatusCode.OK)["movements"].AsArray();
            movements.AddRange(audit.Select(m => (customer, m!["date"]!.GetValue<string>(), m["kind"]!.GetValue<string>(),
                string.Join(" ", m["eventIds"]!.AsArray().Select(id => id!.GetValue<string>())))));
        }

        // Rebuilt from what was heard: each change sets a day's movement, each restatement replaces exactly what was held.
        var believed = new Dictionary<(string, DateOnly), V1.CustomerArrChanged>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var restatements = 0;
        while (true)
        {
            while (heard.TryDequeue(out var message))
            {
                if (message.Type.EndsWith(nameof(V1.CustomerArrRestated), StringComparison.Ordinal))
                {
                    var restated = V1.ContractJson.Deserialize<V1.CustomerArrRestated>(message.Body);
                    var key = (restated.CustomerId, restated.EffectiveDate);
                    Assert.True(believed.TryGetValue(key, out var held), $"{key} was restated but never heard of");
                    Assert.Equal(Describe(held), Describe(restated.Replaces!));
                    restatements++;
                    if (restated.Current is { } current)
                    {
                        believed[key] = current;
                    }
                    else
                    {
                        believed.Remove(key);
                    }
                }
                else
                {
                    var changed = V1.ContractJson.Deserialize<V1.CustomerArrChanged>(message.Body);
                    Assert.True(believed.TryAdd((changed.CustomerId, changed.EffectiveDate), changed), $"{changed} was already held");
                }
            }

            var rebuilt = believed.Values.Select(c => (c.CustomerId, c.EffectiveDate.ToString("yyyy-MM-dd"), c.Movement, string.Join(" ", c.EventIds)))
                .Order().ToList();
            if (rebuilt.SequenceEqual(movements.Order()) && restatements >= 3)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"Heard {string.Join("; ", rebuilt)} ({restatements} restatements); recorded {string.Join("; ", movements.Order())}");
            await Task.Delay(100);
        }

        Assert.DoesNotContain(believed.Values, c => c.EventIds.Contains("f-10"));
    }

    private static string Describe(V1.CustomerArrChanged change) =>
        $"{change.CustomerId} {change.EffectiveDate} {change.Movement} {change.ArrBefore} {change.ArrAfter} {string.Join(" ", change.EventIds)}";
}
