using System.Net;
using CustomerSuccess.Metrics.Api.Health;
using CustomerSuccess.Metrics.Api.Hosting;
using CustomerSuccess.Metrics.Ledger;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>Live means the process answers; ready means every figure would be complete and correct.</summary>
public class HealthTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task a_running_host_is_live_and_ready()
    {
        Assert.Equal("healthy", (await app.GetAsync(ApiSurface.LivePath)).ShouldBe(HttpStatusCode.OK)["status"].GetValue<string>());
        var ready = (await app.GetAsync(ApiSurface.ReadyPath)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("healthy", ready["checks"][0]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task it_is_not_ready_while_the_read_models_are_rebuilt_and_says_why()
    {
        (await app.PostEventsAsync(Signed("hr-1", "hr", "hr-c1", "2024-01-15", 1_000))).ShouldBe(HttpStatusCode.OK);
        var progress = $"{app.Schema}.mt_event_progression";
        await ExecuteAsync($"insert into {progress} (name, last_seq_id) values ('{LedgerProjection.RebuildProgressName}', 1)");
        try
        {
            var notReady = (await app.GetAsync(ApiSurface.ReadyPath)).ShouldBe(HttpStatusCode.ServiceUnavailable);
            Assert.Contains("rebuilt", notReady["checks"][0]!["description"]!.GetValue<string>());
            (await app.GetAsync(ApiSurface.LivePath)).ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await ExecuteAsync($"delete from {progress} where name = '{LedgerProjection.RebuildProgressName}'");
        }

        (await app.GetAsync(ApiSurface.ReadyPath)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task it_is_not_ready_when_the_database_does_not_answer()
    {
        var closedPort = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closedPort.Start();
        var port = ((IPEndPoint)closedPort.LocalEndpoint).Port;
        closedPort.Stop();
        await using var unreachable = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=postgres;Timeout=2");
        var check = new ReadinessCheck(unreachable, app.Services.GetRequiredService<ReadModelTables>(), app.Services.GetRequiredService<IDocumentStore>());

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("does not answer", result.Description);
    }
}
