using System.Net;
using CustomerSuccess.Metrics.Ledger;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// A store written before the contract-event table: migrated, the table is empty, so renewals due and books of business
/// would find no contracts. In a class of its own, since the write side stops looking once it has found a store complete.
/// </summary>
public class UpgradeToContractEventTableTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task a_store_without_contract_event_rows_answers_only_its_event_log_until_it_is_rebuilt()
    {
        (await app.PostEventsAsync(Batch(Signed("ce-1", "ce", "ce-c1", "2024-01-01", 10_000),
            Renewed("ce-2", "ce", "ce-c1", "2024-12-20", 12_000, "2025-12-31")))).ShouldBe(HttpStatusCode.OK);
        await app.ExecuteSqlAsync($"delete from {app.Schema}.{ReadModelTables.ContractEventsName}");

        const string renewals = "/api/v1/renewals?from=2024-12-01&to=2024-12-31";
        Assert.Contains("projections rebuild", (await app.GetAsync(renewals)).ShouldBe(HttpStatusCode.ServiceUnavailable)["detail"].GetValue<string>());
        (await app.GetAsync("/api/v1/customers/ce/events")).ShouldBe(HttpStatusCode.OK);

        await app.RunHostCommandAsync("projections", "rebuild");

        var due = (await app.GetAsync(renewals)).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((1, 1), (due["due"].GetValue<int>(), due["renewed"].GetValue<int>()));
    }
}
