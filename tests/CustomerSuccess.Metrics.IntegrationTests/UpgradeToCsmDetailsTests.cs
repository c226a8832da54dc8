using System.Net;
using CustomerSuccess.Metrics.Ledger;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// A store written before customer details kept the CSM: migrated, the column is empty, so books of business and every
/// figure by CSM would miss their accounts. In a class of its own, since the write side stops looking once it has found a
/// store complete.
/// </summary>
public class UpgradeToCsmDetailsTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Fact]
    public async Task a_store_whose_details_lack_the_csm_answers_only_its_event_log_until_it_is_rebuilt()
    {
        (await app.PostEventsAsync(Signed("cd-1", "cd", "cd-c1", "2024-01-15", 10_000))).ShouldBe(HttpStatusCode.OK);
        await app.ExecuteSqlAsync($"update {app.Schema}.{ReadModelTables.CustomerDetailsName} set csm = null");

        var upsold = Upsold("cd-2", "cd", "cd-c1", "2024-02-15", 1_000);
        Assert.Contains("projections rebuild", (await app.PostEventsAsync(upsold)).ShouldBe(HttpStatusCode.ServiceUnavailable)["detail"].GetValue<string>());
        Assert.Contains("projections rebuild",
            (await app.GetAsync("/api/v1/books/dana?asOf=2024-03-01")).ShouldBe(HttpStatusCode.ServiceUnavailable)["detail"].GetValue<string>());

        await app.RunHostCommandAsync("projections", "rebuild");

        (await app.PostEventsAsync(upsold)).ShouldBe(HttpStatusCode.OK);
        var book = (await app.GetAsync("/api/v1/books/dana?asOf=2024-03-01")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal((1, 11_000m), (book["accounts"].GetValue<int>(), book.Decimal("arr")));
    }
}
