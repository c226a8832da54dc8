using System.Globalization;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.Events;
using CustomerSuccess.Metrics.Ledger;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NodaTime;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

public class RebuildTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private async Task<string> ReadModelFingerprint()
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select md5(coalesce(string_agg(customer_id || customer_key || movement_date || kind || coalesce(segment, '') || amount || arr_delta " +
            $"|| logo_delta || array_to_string(event_ids, ',') || known_from || coalesce(known_to::text, ''), '|' " +
            $"order by customer_id, movement_date, kind, known_from), '')) || ':' || " +
            $"(select md5(coalesce(string_agg(customer_id || data::text, '|' order by customer_id), '')) from {app.Schema}.{ReadModelTables.CustomerTailsName}) || ':' || " +
            $"(select md5(coalesce(string_agg(concat_ws(',', event_id, type, stream_key, fingerprint, voided_by), '|' order by event_id), '')) " +
            $"from {app.Schema}.{ReadModelTables.EventReceiptsName}) || ':' || " +
            $"(select md5(coalesce(string_agg(known_at::text || movement_date || segment || kind || trim_scale(amount) || movements, '|' " +
            $"order by known_at, movement_date, segment, kind), '')) from {app.Schema}.cs_arr_daily_checkpoints) || ':' || " +
            $"(select md5(coalesce(string_agg(movement_date || segment || kind || trim_scale(amount) || trim_scale(arr_delta) || logo_delta " +
            $"|| movements, '|' order by movement_date, segment, kind), '')) from {app.Schema}.cs_arr_daily where movements <> 0) || ':' || " +
            $"(select coalesce(string_agg(event_id || amount || known_from || coalesce(known_to::text, ''), '|' order by event_id), '') from {app.Schema}.cs_retention_costs) || ':' || " +
            $"(select coalesce(string_agg(customer_id || known_from, '|' order by customer_id), '') from {app.Schema}.{ReadModelTables.CustomersName}) || ':' || " +
            $"(select coalesce(string_agg(concat_ws(',', customer_id, effective_date, name, segment, known_from, known_to), '|' " +
            $"order by customer_id, effective_date, known_from), '') from {app.Schema}.{ReadModelTables.CustomerDetailsName}) || ':' || " +
            $"(select coalesce(string_agg(concat_ws(',', recorded_at, events, customers, first_stream, last_stream), '|' order by recorded_at), '') " +
            $"from {app.Schema}.{ReadModelTables.RecordedInstantsName}) " +
            $"from {app.Schema}.cs_arr_movements", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task rebuilding_from_the_event_log_reproduces_the_read_models_exactly()
    {
        var t = app.Clock.GetCurrentInstant();
        var first = Batch(
            Signed("rb-1", "rb-a", "rb-a1", "2024-01-01", 10_000, "smb"),
            Signed("rb-2", "rb-b", "rb-b1", "2024-02-01", 20_000, "enterprise"),
            Upsold("rb-3", "rb-a", "rb-a1", "2024-03-01", 1_000),
            RetentionCost("rb-4", "2024-03-31", "cs_team", 9_000));
        (await app.PostEventsAtAsync(t + Duration.FromDays(1), first)).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(t + Duration.FromDays(2), Batch(
            Downsold("rb-5", "rb-a", "rb-a1", "2024-02-15", 500),
            Churned("rb-6", "rb-b", "rb-b1", "2024-06-01"),
            Renewed("rb-7", "rb-a", "rb-a1", "2025-01-01", 12_000, "2025-12-31")))).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAtAsync(t + Duration.FromDays(3), Batch(
            Voided("rb-8", "rb-3"), Voided("rb-9", "rb-4"), Signed("rb-10", "rb-b", "rb-b2", "2024-09-01", 5_000, "mid_market")))).ShouldBe(HttpStatusCode.OK);
        var before = await ReadModelFingerprint();
        var arrBefore = (await app.GetAsync("/api/v1/arr?asOf=2024-12-31")).Decimal("arr");
        var knownAt = (await app.GetAsync("/api/v1/arr?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK)["knownAt"].GetValue<string>();
        var reads = new[] { $"/api/v1/knowledge?to={knownAt}", $"/api/v1/customers?asOf=2024-12-31&knownAt={knownAt}" };
        var answers = await Task.WhenAll(reads.Select(async r => (await app.GetAsync(r)).ShouldBe(HttpStatusCode.OK).Text));

        await app.RunHostCommandAsync("projections", "rebuild");

        Assert.Equal(before, await ReadModelFingerprint());
        Assert.Equal(answers, await Task.WhenAll(reads.Select(async r => (await app.GetAsync(r)).ShouldBe(HttpStatusCode.OK).Text)));
        Assert.Equal(arrBefore, (await app.GetAsync("/api/v1/arr?asOf=2024-12-31")).Decimal("arr"));
        Assert.Equal(14_500m, arrBefore);

        // Receipts rebuilt from the log still recognise a resend.
        var again = await app.PostEventsAtAsync(t + Duration.FromDays(4), first);
        again.ShouldBe(HttpStatusCode.OK);
        Assert.All(again["results"].AsArray(), r => Assert.Equal("duplicate", r!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task a_stored_tail_that_lags_behind_its_stream_is_not_trusted()
    {
        var t = app.Clock.GetCurrentInstant();
        (await app.PostEventsAtAsync(t + Duration.FromDays(1), Batch(Signed("lag-1", "lag-a", "lag-a1", "2023-01-02", 10_000)))).ShouldBe(HttpStatusCode.OK);
        var lagging = await StoredTailAsync("lag-a");
        (await app.PostEventsAtAsync(t + Duration.FromDays(2), Batch(Upsold("lag-2", "lag-a", "lag-a1", "2023-03-03", 1_000)))).ShouldBe(HttpStatusCode.OK);
        // As a replay leaves a tail until it reaches the stream's last event.
        await StoreTailAsync("lag-a", lagging);

        // Appended to the store directly, not through the write side, so projected from the stored tail.
        await using (var session = app.Services.GetRequiredService<IDocumentStore>().LightweightSession())
        {
            var action = session.Events.Append("lag-a", 3L, new ContractChurned("lag-3", "lag-a", "lag-a1", new LocalDate(2023, 7, 17), null, null));
            action.Events.Single().Timestamp = (t + Duration.FromDays(3)).ToDateTimeOffset();
            await session.SaveChangesAsync();
        }

        app.Clock.Reset(t + Duration.FromDays(4));
        var churn = (await app.GetAsync("/api/v1/audit/movements?from=2023-07-17&to=2023-07-17&kind=churn"))["movements"].AsArray().Single()!;
        Assert.Equal("lag-a", churn["customerId"]!.GetValue<string>());
        Assert.Equal(11_000m, churn["amount"]!.GetValue<decimal>());
        Assert.Equal(3, JsonNode.Parse(await StoredTailAsync("lag-a"))!["version"]!.GetValue<long>());
    }

    private async Task<string> StoredTailAsync(string customerId)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select data::text from {app.Schema}.{ReadModelTables.CustomerTailsName} where customer_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = customerId });
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task StoreTailAsync(string customerId, string data)
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"update {app.Schema}.{ReadModelTables.CustomerTailsName} set data = $2::json where customer_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = customerId });
        command.Parameters.Add(new NpgsqlParameter { Value = data });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
