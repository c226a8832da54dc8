using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using RabbitMQ.Client;
using Xunit.Abstractions;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The API host in a process of its own, reading a stream of single-event messages from RabbitMQ, killed outright
/// mid-stream and started again: afterwards every valid event is recorded exactly once and in its customer's order,
/// every refused message waits among the dead letters with its reason, and total ARR is what the valid events add up to.
/// </summary>
[Collection(TestBroker.Collection)]
public class BusCrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan HostStart = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task a_host_killed_mid_stream_and_started_again_records_every_valid_event_once_in_order_and_keeps_every_refusal()
    {
        var stream = CrashStream.Generate(customers: 950, eventsPerCustomer: 10, duplicates: 300, invalid: 200, seed: 20261);
        Assert.Equal(10_000, stream.Messages.Count);
        var schema = $"t_{Guid.NewGuid():N}"[..20];
        var queue = $"csm.contract-events.crash.{Guid.NewGuid():N}";
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Marten"] = TestDatabase.ConnectionString,
            ["Marten__Schema"] = schema,
            ["ConnectionStrings__RabbitMq"] = TestBroker.Uri,
            ["Messaging__ContractEventsQueue"] = queue,
        };
        var firstHalf = stream.Messages.Count / 2;
        var killAfter = 3_000;

        var clock = Stopwatch.StartNew();
        await using var database = NpgsqlDataSource.Create(TestDatabase.ConnectionString);
        HostProcess? first = null;
        HostProcess? second = null;
        var checkedAll = false;
        try
        {
            first = await HostProcess.StartAsync(environment, HostStart);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: first host (pid {first.Id}) answering");

            await PublishAsync(queue, stream.Messages.Take(firstHalf));
            var recordedAtKill = await WaitForRecordedAsync(database, schema, killAfter, TimeSpan.FromSeconds(60), first);
            await first.KillAsync();
            var validPublished = stream.ValidAmong(firstHalf);
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: killed the first host with {recordedAtKill:N0} of the {validPublished:N0} valid events " +
                             $"published so far recorded and {await HeldInTheInboxAsync(database, schema):N0} messages received but not yet handled");
            Assert.True(recordedAtKill < validPublished, $"The first host had recorded all {validPublished:N0} valid events published before it was killed");

            // The rest of the stream arrives while the host is down and while it starts again.
            var publishing = PublishAsync(queue, stream.Messages.Skip(firstHalf));
            second = await HostProcess.StartAsync(environment, HostStart);
            await publishing;
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: second host (pid {second.Id}) answering, whole stream published");

            await WaitForRecordedAsync(database, schema, stream.ValidEvents, TimeSpan.FromSeconds(120), second);
            var deadLetters = await WaitForDeadLettersAsync(second, stream.Invalid.Count, TimeSpan.FromSeconds(30));
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: all valid events recorded, {deadLetters["total"]!} dead letters");

            await AssertEveryCustomerRecordedOnceInOrderAsync(second, stream);
            Assert.Equal(stream.ValidEvents, await RecordedAsync(database, schema));
            AssertDeadLetters(stream, deadLetters);

            var arr = await GetAsync(second, "/api/v1/arr?asOf=2100-01-01");
            Assert.Equal(stream.Arr, arr["arr"]!.GetValue<decimal>());
            Assert.Equal(stream.ActiveCustomers, arr["activeCustomers"]!.GetValue<int>());
            output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: checked");
            checkedAll = true;
        }
        finally
        {
            if (!checkedAll && (second ?? first) is { } host)
            {
                output.WriteLine($"The host's last output:\n{host.RecentOutput()}");
            }

            if (first is not null)
            {
                await first.DisposeAsync();
            }

            if (second is not null)
            {
                await second.DisposeAsync();
            }

            await DeleteQueueAsync(queue);
            await using var drop = database.CreateCommand($"drop schema if exists {schema} cascade");
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Publishes with a plain AMQP client, persistent messages and no headers, waiting for the broker's confirms.</summary>
    private static async Task PublishAsync(string queue, IEnumerable<byte[]> messages)
    {
        var factory = new ConnectionFactory { Uri = new Uri(TestBroker.Uri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent };
        foreach (var chunk in messages.Chunk(200))
        {
            await Task.WhenAll(chunk.Select(body => channel.BasicPublishAsync("", queue, true, properties, body).AsTask()));
        }
    }

    private static async Task DeleteQueueAsync(string queue)
    {
        var factory = new ConnectionFactory { Uri = new Uri(TestBroker.Uri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(queue);
    }

    private static async Task<long> RecordedAsync(NpgsqlDataSource database, string schema)
    {
        await using var command = database.CreateCommand($"select count(*) from {schema}.mt_events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Messages the host took from the broker and stored, but had not handled yet.</summary>
    private static async Task<long> HeldInTheInboxAsync(NpgsqlDataSource database, string schema)
    {
        await using var command = database.CreateCommand($"select count(*) from {schema}.wolverine_incoming_envelopes where status = 'Incoming'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Waits until at least so many events are in the store; returns how many there were then.</summary>
    private static async Task<long> WaitForRecordedAsync(NpgsqlDataSource database, string schema, long atLeast, TimeSpan timeout, HostProcess host)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var recorded = await RecordedAsync(database, schema);
            if (recorded >= atLeast)
            {
                return recorded;
            }

            Assert.True(stopwatch.Elapsed < timeout, $"After {timeout.TotalSeconds} s only {recorded:N0} of {atLeast:N0} events are recorded:\n{host.RecentOutput()}");
            await Task.Delay(10);
        }
    }

    private static async Task<JsonNode> WaitForDeadLettersAsync(HostProcess host, int count, TimeSpan timeout)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var letters = await GetAsync(host, "/api/v1/dead-letters?limit=10000");
            if (letters["total"]!.GetValue<long>() >= count || stopwatch.Elapsed > timeout)
            {
                return letters;
            }

            await Task.Delay(100);
        }
    }

    private static async Task<JsonNode> GetAsync(HostProcess host, string path)
    {
        using var response = await host.Client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Each customer's history, in recorded order, is exactly its valid events in the order they were published.</summary>
    private static async Task AssertEveryCustomerRecordedOnceInOrderAsync(HostProcess host, CrashStream stream)
    {
        var differences = new List<string>();
        await Parallel.ForEachAsync(stream.EventIdsByCustomer, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (customer, _) =>
        {
            var history = await GetAsync(host, $"/api/v1/customers/{customer.Key}/events");
            var recorded = history["events"]!.AsArray().Select(e => e!["eventId"]!.GetValue<string>()).ToList();
            if (!recorded.SequenceEqual(customer.Value))
            {
                lock (differences)
                {
                    differences.Add($"{customer.Key}: published [{string.Join(", ", customer.Value)}], recorded [{string.Join(", ", recorded)}]");
                }
            }
        });
        Assert.True(differences.Count == 0, $"{differences.Count} customers differ:\n{string.Join('\n', differences.Take(20))}");
    }

    private static void AssertDeadLetters(CrashStream stream, JsonNode deadLetters)
    {
        var letters = deadLetters["deadLetters"]!.AsArray()
            .ToDictionary(l => l!["bodyBase64"]!.GetValue<string>(), l => l!);
        Assert.Equal(stream.Invalid.Count, deadLetters["total"]!.GetValue<long>());
        Assert.Equal(stream.Invalid.Count, letters.Count);
        foreach (var invalid in stream.Invalid)
        {
            Assert.True(letters.TryGetValue(Convert.ToBase64String(invalid.Body), out var letter),
                $"No dead letter for {Encoding.UTF8.GetString(invalid.Body)}");
            Assert.Equal(invalid.Status, letter["status"]!.GetValue<int>());
            Assert.Equal(invalid.Rule, letter["rule"]!.GetValue<string>());
            Assert.Equal(invalid.Field, letter["field"]!.GetValue<string>());
            Assert.Equal(invalid.EventId, letter["eventId"]?.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(letter["detail"]!.GetValue<string>()));
        }
    }
}

/// <summary>A refused message and the refusal it should meet.</summary>
internal sealed record InvalidMessage(byte[] Body, int Status, string Rule, string Field, string? EventId);

/// <summary>
/// A stream of single-event messages: many customers interleaved at random, each customer's events in order (a contract
/// signed, then upsold, downsold, renewed, a second contract cross-sold and churned), with exact duplicates published
/// again later and refused messages (unreadable, an unknown field, an upsell of a contract that does not exist) mixed in;
/// and what the valid events add up to, computed here from the events as generated.
/// </summary>
internal sealed class CrashStream
{
    private readonly List<bool> _valid = [];

    public List<byte[]> Messages { get; } = [];

    public Dictionary<string, List<string>> EventIdsByCustomer { get; } = [];

    public List<InvalidMessage> Invalid { get; } = [];

    public decimal Arr { get; private set; }

    public int ActiveCustomers { get; private set; }

    public long ValidEvents => EventIdsByCustomer.Values.Sum(e => (long)e.Count);

    /// <summary>Distinct valid events among the first <paramref name="count"/> messages.</summary>
    public long ValidAmong(int count) => _valid.Take(count).Count(v => v);

    public static CrashStream Generate(int customers, int eventsPerCustomer, int duplicates, int invalid, int seed)
    {
        var random = new Random(seed);
        var stream = new CrashStream();
        var histories = Enumerable.Range(1, customers).Select(c => stream.History($"cr-{c}", eventsPerCustomer, random)).ToList();

        // Interleave at random, each customer's own order kept.
        var next = new int[customers];
        var remaining = Enumerable.Range(0, customers).ToList();
        var valid = new List<byte[]>();
        while (remaining.Count > 0)
        {
            var pick = random.Next(remaining.Count);
            var customer = remaining[pick];
            valid.Add(histories[customer][next[customer]++]);
            if (next[customer] == histories[customer].Count)
            {
                remaining[pick] = remaining[^1];
                remaining.RemoveAt(remaining.Count - 1);
            }
        }

        var messages = valid.Select(body => (Body: body, Valid: true)).ToList();
        for (var i = 0; i < duplicates; i++)
        {
            var original = random.Next(messages.Count);
            messages.Insert(Math.Min(messages.Count, original + 1 + random.Next(300)), (messages[original].Body, false));
        }

        for (var i = 0; i < invalid; i++)
        {
            var refused = Refused(i, customers, random);
            stream.Invalid.Add(refused);
            messages.Insert(random.Next(messages.Count + 1), (refused.Body, false));
        }

        foreach (var (body, isValid) in messages)
        {
            stream.Messages.Add(body);
            stream._valid.Add(isValid);
        }

        return stream;
    }

    private List<byte[]> History(string customer, int events, Random random)
    {
        var ids = new List<string>();
        var bodies = new List<byte[]>();
        var day = new DateOnly(2020, 1, 1).AddDays(random.Next(365));
        var main = $"{customer}-c1";
        var second = $"{customer}-c2";
        var arr = new Dictionary<string, decimal> { [main] = 1_000m * random.Next(5, 50) };
        var secondState = 0; // 0 not opened, 1 open, 2 churned

        void Add(string json)
        {
            ids.Add($"{customer}-{ids.Count}");
            bodies.Add(Encoding.UTF8.GetBytes(json));
        }

        string Id() => $"{customer}-{ids.Count}";
        string Date() => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        Add(Signed(Id(), customer, main, Date(), arr[main]));
        while (ids.Count < events)
        {
            day = day.AddMonths(1);
            switch (random.Next(6))
            {
                case 0 when secondState == 0:
                    arr[second] = 500m * random.Next(1, 10);
                    secondState = 1;
                    Add(CrossSold(Id(), customer, second, Date(), arr[second]));
                    break;
                case 1 when secondState == 1:
                    arr[second] = 0m;
                    secondState = 2;
                    Add(Churned(Id(), customer, second, Date()));
                    break;
                case 2 when arr[main] > 200m:
                    var decrease = 100m * random.Next(1, (int)(arr[main] / 100m));
                    arr[main] -= decrease;
                    Add(Downsold(Id(), customer, main, Date(), decrease));
                    break;
                case 3:
                    arr[main] = 1_000m * random.Next(5, 50);
                    Add(Renewed(Id(), customer, main, Date(), arr[main], $"{day.Year + 1}-12-31"));
                    break;
                case 4 when secondState == 1:
                    var upsell = 50m * random.Next(1, 20);
                    arr[second] += upsell;
                    Add(Upsold(Id(), customer, second, Date(), upsell));
                    break;
                default:
                    var increase = 100m * random.Next(1, 30);
                    arr[main] += increase;
                    Add(Upsold(Id(), customer, main, Date(), increase));
                    break;
            }
        }

        EventIdsByCustomer[customer] = ids;
        var total = arr.Values.Sum();
        Arr += total;
        ActiveCustomers += total > 0 ? 1 : 0;
        return bodies;
    }

    private static InvalidMessage Refused(int i, int customers, Random random)
    {
        var customer = $"cr-{random.Next(1, customers + 1)}";
        var id = $"cr-refused-{i}";
        return (i % 3) switch
        {
            0 => new InvalidMessage(Encoding.UTF8.GetBytes($$"""{"eventId":"{{id}}","type":"contract.upsold","customerId":"""), 400, "body", "", null),
            1 => new InvalidMessage(Encoding.UTF8.GetBytes(Upsold(id, customer, $"{customer}-c1", "2030-01-01", 10m)[..^1] + ",\"colour\":\"red\"}"),
                400, "colour", "colour", null),
            _ => new InvalidMessage(Encoding.UTF8.GetBytes(Upsold(id, customer, $"{customer}-none", "2030-01-01", 10m)), 422, "contractId", "contractId", id),
        };
    }
}
