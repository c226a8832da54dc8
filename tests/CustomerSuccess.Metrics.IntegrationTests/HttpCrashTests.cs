using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Xunit.Abstractions;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The API killed with SIGKILL three times in the middle of sustained ingestion over HTTP, and started again each time;
/// the writers resend every batch not acknowledged and some that were: afterwards every acknowledged event is in the
/// store exactly once, and the figures are those a rebuild from the event log gives.
/// </summary>
public class HttpCrashTests(ITestOutputHelper output)
{
    private const int Writers = 4;
    private const int BatchesPerWriter = 60;
    private const int EventsPerBatch = 25;
    private const int Kills = 3;

    private static readonly TimeSpan HostStart = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task every_acknowledged_event_survives_three_kills_once_and_the_figures_equal_a_rebuild()
    {
        var schema = $"t_{Guid.NewGuid():N}"[..20];
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Marten"] = TestDatabase.ConnectionString,
            ["Marten__Schema"] = schema,
            ["ConnectionStrings__RabbitMq"] = "",
        };

        // Each writer owns its customers; each batch signs 25 new ones, so batches may land in any order.
        var batches = Enumerable.Range(0, Writers).Select(w => Enumerable.Range(0, BatchesPerWriter).Select(b =>
            Enumerable.Range(0, EventsPerBatch).Select(e => (Id: $"hc-{w}-{b}-{e}", Arr: 1_000m + (w * 7 + b * 3 + e) % 97)).ToArray()).ToArray()).ToArray();
        var acknowledged = new ConcurrentDictionary<string, bool>();
        var resentAcknowledged = 0;

        var host = await HostProcess.StartAsync(environment, HostStart);
        try
        {
            var kills = 0;
            var next = new int[Writers];
            while (next.Any(n => n < BatchesPerWriter))
            {
                var current = host;
                // Each writer sends its batches one after another until the host stops answering.
                var writing = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
                {
                    while (next[w] < BatchesPerWriter)
                    {
                        var batch = batches[w][next[w]];
                        if (!await TrySendAsync(current.Client, batch))
                        {
                            return;
                        }

                        acknowledged[$"{w}-{next[w]}"] = true;
                        next[w]++;
                    }
                })).ToArray();

                if (kills < Kills)
                {
                    var target = (kills + 1) * Writers * BatchesPerWriter / (Kills + 1);
                    while (acknowledged.Count < target && writing.Any(t => !t.IsCompleted))
                    {
                        await Task.Delay(5);
                    }

                    await current.KillAsync();
                    kills++;
                    await Task.WhenAll(writing);
                    output.WriteLine($"kill {kills}: {acknowledged.Count} batches acknowledged");
                    host = await HostProcess.StartAsync(environment, HostStart);
                    await current.DisposeAsync();

                    // Some acknowledged batches are sent again, as a writer that never saw its answer would.
                    foreach (var w in Enumerable.Range(0, Writers).Where(w => next[w] > 0))
                    {
                        Assert.True(await TrySendAsync(host.Client, batches[w][next[w] - 1]), "a resent acknowledged batch was refused");
                        resentAcknowledged++;
                    }
                }
                else
                {
                    await Task.WhenAll(writing);
                    Assert.True(next.All(n => n == BatchesPerWriter), $"the writers stopped at {string.Join(", ", next)}:\n{host.RecentOutput()}");
                }
            }

            Assert.Equal(Kills, kills);
            output.WriteLine($"{resentAcknowledged} acknowledged batches resent");

            var all = batches.SelectMany(w => w).SelectMany(b => b).ToList();
            await using var database = NpgsqlDataSource.Create(TestDatabase.ConnectionString);
            await using (var command = database.CreateCommand(
                             $"select count(*), count(distinct data ->> 'eventId') from {schema}.mt_events where data ->> 'eventId' like 'hc-%'"))
            await using (var reader = await command.ExecuteReaderAsync())
            {
                await reader.ReadAsync();
                Assert.Equal(all.Count, reader.GetInt64(0));
                Assert.Equal(all.Count, reader.GetInt64(1));
            }

            var expected = all.Sum(e => e.Arr);
            var before = await FiguresAsync(host.Client);
            Assert.Equal(expected, before["arr"]!.GetValue<decimal>());
            Assert.Equal(all.Count, before["activeCustomers"]!.GetValue<int>());

            // The figures are those the event log gives when the read models are rebuilt from it.
            await host.DisposeAsync();
            await HostCommand.RunAsync(AppContext.BaseDirectory, environment, "projections", "rebuild");
            host = await HostProcess.StartAsync(environment, HostStart);
            Assert.Equal(before.ToJsonString(), (await FiguresAsync(host.Client)).ToJsonString());
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    /// <summary>Sends a batch; false when the host did not answer it (killed meanwhile), so it is not acknowledged.</summary>
    private static async Task<bool> TrySendAsync(HttpClient client, (string Id, decimal Arr)[] batch)
    {
        var body = "[" + string.Join(',', batch.Select(e => Signed(e.Id, e.Id, e.Id + "-c", "2024-01-15", e.Arr))) + "]";
        try
        {
            using var response = await client.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return false;
        }
    }

    private static async Task<JsonNode> FiguresAsync(HttpClient client)
    {
        var arr = JsonNode.Parse(await client.GetStringAsync("/api/v1/arr?asOf=2024-12-31"))!;
        var bridge = JsonNode.Parse(await client.GetStringAsync("/api/v1/metrics/bridge?from=2024-01-01&to=2024-12-31&interval=month"))!;
        return new JsonObject
        {
            ["arr"] = arr["arr"]!.GetValue<decimal>(),
            ["activeCustomers"] = arr["activeCustomers"]!.GetValue<int>(),
            ["newArr"] = bridge["summary"]!["newArr"]!.GetValue<decimal>(),
            ["closingArr"] = bridge["summary"]!["closingArr"]!.GetValue<decimal>(),
        };
    }
}
