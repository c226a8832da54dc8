using System.Net;
using CustomerSuccess.Metrics.Ledger;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// A store written before the customer and knowledge tables existed: migrated, they are empty. In a class of its own,
/// since the write side stops looking once it has found a store complete.
/// </summary>
public class UpgradeToCustomerTablesTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task a_store_from_before_the_customer_and_knowledge_tables_answers_only_its_event_log_until_it_is_rebuilt()
    {
        var signed = Signed("kt-1", "kt", "kt-c1", "2024-01-15", 10_000);
        (await app.PostEventsAsync(signed)).ShouldBe(HttpStatusCode.OK);
        // As the tables are when an earlier version's store is migrated: created, and empty.
        await app.ExecuteSqlAsync(
            $"delete from {app.Schema}.{ReadModelTables.RecordedInstantsName}; delete from {app.Schema}.{ReadModelTables.CustomersName}; " +
            $"delete from {app.Schema}.{ReadModelTables.CustomerDetailsName}");

        var upsold = Upsold("kt-2", "kt", "kt-c1", "2024-02-15", 1_000);
        Assert.Contains("projections rebuild", (await app.PostEventsAsync(upsold)).ShouldBe(HttpStatusCode.ServiceUnavailable)["detail"].GetValue<string>());
        foreach (var read in new[] { "/api/v1/customers?asOf=2024-03-01", "/api/v1/knowledge", "/api/v1/arr?asOf=2024-03-01" })
        {
            Assert.Contains("projections rebuild", (await app.GetAsync(read)).ShouldBe(HttpStatusCode.ServiceUnavailable)["detail"].GetValue<string>());
        }

        Assert.Single((await app.GetAsync("/api/v1/customers/kt/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray());

        await app.RunHostCommandAsync("projections", "rebuild");

        (await app.PostEventsAsync(upsold)).ShouldBe(HttpStatusCode.OK);
        var listed = (await app.GetAsync("/api/v1/customers?asOf=2024-03-01")).ShouldBe(HttpStatusCode.OK)["customers"].AsArray();
        Assert.Contains(listed, c => c!["customerId"]!.GetValue<string>() == "kt" && c["arr"]!.GetValue<decimal>() == 11_000m);
        Assert.NotEmpty((await app.GetAsync("/api/v1/knowledge")).ShouldBe(HttpStatusCode.OK)["instants"].AsArray());
    }
}
