using System.Net;
using CustomerSuccess.Metrics.Api.Hosting;
using CustomerSuccess.Metrics.Ledger;
using Npgsql;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>A schema changed behind the host's back: not ready until it is applied again.</summary>
public class HealthWithAnOutdatedSchemaTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task it_is_not_ready_when_the_schema_is_not_the_one_expected()
    {
        (await app.GetAsync(ApiSurface.ReadyPath)).ShouldBe(HttpStatusCode.OK);
        await using (var connection = new NpgsqlConnection(TestDatabase.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"drop table {app.Schema}.{ReadModelTables.EventReceiptsName}", connection);
            await command.ExecuteNonQueryAsync();
        }

        var notReady = (await app.GetAsync(ApiSurface.ReadyPath)).ShouldBe(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("schema", notReady["checks"][0]!["description"]!.GetValue<string>());
    }
}
