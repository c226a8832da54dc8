using System.Net;
using CustomerSuccess.Metrics.Ledger;
using Npgsql;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>A store whose receipts are missing, as one written by an earlier version is, until it is rebuilt.</summary>
public class UpgradeTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task a_store_without_receipts_records_nothing_until_it_is_rebuilt()
    {
        var signed = Signed("up-1", "up", "up-c1", "2024-01-15", 10_000);
        (await app.PostEventsAsync(signed)).ShouldBe(HttpStatusCode.OK);
        await using (var connection = new NpgsqlConnection(TestDatabase.ConnectionString))
        {
            await connection.OpenAsync();
            await using var delete = new NpgsqlCommand($"delete from {app.Schema}.{ReadModelTables.EventReceiptsName}", connection);
            await delete.ExecuteNonQueryAsync();
        }

        var refused = (await app.PostEventsAsync(signed)).ShouldBe(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("projections rebuild", refused["detail"].GetValue<string>());

        await app.RunHostCommandAsync("projections", "rebuild");

        var again = (await app.PostEventsAsync(signed)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("duplicate", again["results"][0]!["status"]!.GetValue<string>());
        Assert.Single((await app.GetAsync("/api/v1/customers/up/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray());
    }

    [Fact]
    public async Task a_store_whose_rebuild_did_not_finish_records_nothing_until_it_is_rebuilt()
    {
        (await app.PostEventsAsync(Signed("ir-1", "ir", "ir-c1", "2024-01-15", 10_000))).ShouldBe(HttpStatusCode.OK);
        await using (var connection = new NpgsqlConnection(TestDatabase.ConnectionString))
        {
            await connection.OpenAsync();
            // The progress a rebuild keeps while it runs, left behind when it is stopped part way.
            await using var insert = new NpgsqlCommand(
                $"insert into {app.Schema}.mt_event_progression (name, last_seq_id) values ('{LedgerProjection.ProjectionName}:All', 1)", connection);
            await insert.ExecuteNonQueryAsync();
        }

        var upsold = Upsold("ir-2", "ir", "ir-c1", "2024-02-15", 1_000);
        var refused = (await app.PostEventsAsync(upsold)).ShouldBe(HttpStatusCode.ServiceUnavailable);
        Assert.Contains("rebuil", refused["detail"].GetValue<string>());
        Assert.Single((await app.GetAsync("/api/v1/customers/ir/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray());

        await app.RunHostCommandAsync("projections", "rebuild");

        (await app.PostEventsAsync(upsold)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(11_000m, (await app.GetAsync("/api/v1/customers/ir?asOf=2024-03-01")).Decimal("arr"));
    }
}
