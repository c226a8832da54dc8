using System.Net;
using System.Text;
using CustomerSuccess.Metrics.Api.Messaging;
using CustomerSuccess.Metrics.Ledger;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using V1 = CustomerSuccess.Metrics.Contracts.V1;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// Contract events sent as messages on the default bus (a queue in the store's own PostgreSQL database) are recorded
/// exactly as the same bodies sent over HTTP would be, and the ones HTTP would refuse wait among the dead letters.
/// </summary>
public class BusTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private static readonly DateOnly Day = new(2024, 1, 15);

    private async Task SendAsync(byte[] body)
    {
        using var scope = app.Services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<IMessageBus>().SendAsync(new ContractEventsMessage(body));
    }

    [Fact]
    public async Task messages_are_recorded_in_order_once_and_the_refused_ones_become_dead_letters()
    {
        var signed = V1.ContractJson.Serialize(new V1.ContractSigned("bus-1", "bus-a", "bus-a-c1", Day, Arr: 10_000m));
        var upsold = V1.ContractJson.Serialize(new V1.ContractUpsold("bus-2", "bus-a", "bus-a-c1", Day.AddMonths(1), 1_500m));
        var batch = V1.ContractJson.Serialize([
            new V1.ContractDownsold("bus-3", "bus-a", "bus-a-c1", Day.AddMonths(2), 500m),
            new V1.ContractSigned("bus-4", "bus-b", "bus-b-c1", Day, Arr: 2_000m),
            new V1.NpsAnswered("bus-9", "bus-b", Day, "bus-b-cfo", 9)]);
        var refusedBatch = V1.ContractJson.Serialize([
            new V1.ContractCrossSold("bus-5", "bus-a", "bus-a-c2", Day.AddMonths(3), Arr: 3_000m),
            new V1.ContractUpsold("bus-6", "bus-a", "bus-a-c3", Day.AddMonths(4), 100m)]);
        var notJson = Encoding.UTF8.GetBytes("{\"eventId\": \"bus-7\", ");

        foreach (var body in (byte[][])[signed, upsold, signed, batch, refusedBatch, notJson, upsold])
        {
            await SendAsync(body);
        }

        var deadLetters = await Eventually.GetAsync(app, "/api/v1/dead-letters", r => r["total"].GetValue<long>() == 2);
        Assert.Equal(11_000m, (await app.GetAsync("/api/v1/customers/bus-a?asOf=2030-01-01")).ShouldBe(HttpStatusCode.OK).Decimal("arr"));
        Assert.Equal(2_000m, (await app.GetAsync("/api/v1/customers/bus-b?asOf=2030-01-01")).ShouldBe(HttpStatusCode.OK).Decimal("arr"));
        // Signals come by the bus as contract events do, in the same atomic batch.
        var nps = (await app.GetAsync($"/api/v1/signals/nps?from={Day:yyyy-MM-dd}&to={Day:yyyy-MM-dd}")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((1, 1), (nps["responses"].GetValue<int>(), nps["promoters"].GetValue<int>()));
        var fromTheBus = (await app.GetAsync("/api/v1/customers/bus-a/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray();
        Assert.Equal(3, fromTheBus.Count);
        // No key stands behind a message: its events are kept as come by the bus, from no one named.
        Assert.All(fromTheBus, e =>
        {
            Assert.Equal("bus", e!["via"]!.GetValue<string>());
            Assert.Null(e["publishedBy"]);
        });

        var letters = deadLetters["deadLetters"].AsArray();
        var refused = letters.Single(l => l!["status"]!.GetValue<int>() == 422)!;
        Assert.Equal("[1].contractId", refused["field"]!.GetValue<string>());
        Assert.Equal("bus-6", refused["eventId"]!.GetValue<string>());
        Assert.Equal(Encoding.UTF8.GetString(refusedBatch), refused["body"]!.GetValue<string>());
        var unreadable = letters.Single(l => l!["status"]!.GetValue<int>() == 400)!;
        Assert.Equal("body", unreadable["rule"]!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(notJson), unreadable["bodyBase64"]!.GetValue<string>());

        // Once the contract it needed exists, the refused batch replays; the unreadable message can only be discarded.
        (await app.PostEventsAsync(Events.CrossSold("bus-8", "bus-a", "bus-a-c3", "2024-03-20", 500))).ShouldBe(HttpStatusCode.OK);
        var replayed = (await app.PostAsync($"/api/v1/dead-letters/{refused["id"]}/replay")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(["appended", "appended"], replayed["results"].AsArray().Select(r => r!["status"]!.GetValue<string>()));
        Assert.Equal(14_600m, (await app.GetAsync("/api/v1/customers/bus-a?asOf=2030-01-01")).ShouldBe(HttpStatusCode.OK).Decimal("arr"));
        (await app.PostAsync($"/api/v1/dead-letters/{unreadable["id"]}/replay")).ShouldBe(HttpStatusCode.BadRequest);
        (await app.PostAsync($"/api/v1/dead-letters/{unreadable["id"]}/discard")).ShouldBe(HttpStatusCode.NoContent);
        (await app.PostAsync($"/api/v1/dead-letters/{unreadable["id"]}/discard")).ShouldBe(HttpStatusCode.NotFound);
        Assert.Equal(0, (await app.GetAsync("/api/v1/dead-letters")).ShouldBe(HttpStatusCode.OK)["total"].GetValue<long>());

        // Without a broker, every ARR change is delivered to the PostgreSQL queue beside the store, which exists from
        // startup, whether or not anyone reads it yet.
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var command = new NpgsqlCommand(
                $"select (select count(*) from {app.Schema}.{ReadModelTables.ArrChangeFeedName} where published_at is null), " +
                $"(select count(*) from {app.Schema}.{ReadModelTables.ArrChangeFeedName}), " +
                $"(select count(*) from {app.Schema}.wolverine_queue_csm_integration_events)", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (waiting, written, queued) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
            if (waiting == 0 && written > 0 && queued == written)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{waiting} waiting, {written} written, {queued} queued");
            await Task.Delay(100);
        }
    }
}

/// <summary>Asks again until the answer is a 200 that satisfies the condition, for what the bus applies in its own time.</summary>
internal static class Eventually
{
    public static async Task<Reply> GetAsync(MetricsApp app, string path, Func<Reply, bool> done, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var reply = await app.GetAsync(path);
            if (reply.Status == HttpStatusCode.OK && done(reply))
            {
                return reply;
            }

            Assert.True(DateTime.UtcNow < deadline, $"After {seconds} s, {path} still answers {reply.Text}");
            await Task.Delay(100);
        }
    }
}
