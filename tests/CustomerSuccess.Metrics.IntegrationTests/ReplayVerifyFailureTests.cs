using System.Net;
using Npgsql;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary><c>replay verify</c> that fails part way still drops its scratch schema. A class of its own: it spoils its store's log.</summary>
public class ReplayVerifyFailureTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task a_replay_that_fails_drops_its_scratch_schema_and_exits_non_zero()
    {
        (await app.PostEventsAsync(Signed("rf-1", "rf-a", "rf-a1", "2024-01-15", 10_000))).ShouldBe(HttpStatusCode.OK);
        // An event the projection cannot read: its ARR is no number.
        Assert.Equal(1, await ScalarAsync(
            $"with spoilt as (update {app.Schema}.mt_events set data = jsonb_set(data, '{{arr}}', '\"lots\"') returning 1) select count(*) from spoilt"));

        var failed = await app.ExecuteHostCommandAsync("replay", "verify");

        Assert.NotEqual(0, failed.Code);
        // It failed replaying, after the scratch schema was made.
        Assert.Contains("EventDeserializationFailureException", failed.Output + failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Summary:", failed.Output);
        Assert.Equal(0, await ScalarAsync(
            $"select count(*) from information_schema.schemata where starts_with(schema_name, '{app.Schema}_replay_')"));
    }
}
