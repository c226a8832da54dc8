using System.Net;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>The reason sent with a churn, on the churned contract and, once the last contract has churned, on the customer.</summary>
public class ChurnReasonTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAsync(Batch(
            Signed("cr-1", "reason", "reason-c1", "2024-01-01", 10_000),
            CrossSold("cr-2", "reason", "reason-c2", "2024-02-01", 5_000),
            Churned("cr-3", "reason", "reason-c2", "2024-06-01", "price"),
            Churned("cr-4", "reason", "reason-c1", "2024-09-01", "moved to a competitor"),
            Signed("cr-5", "reason", "reason-c3", "2025-01-01", 7_000),
            Signed("cr-6", "unsaid", "unsaid-c1", "2024-01-01", 1_000),
            """{"eventId":"cr-7","type":"contract.churned","customerId":"unsaid","contractId":"unsaid-c1","effectiveDate":"2024-05-01"}"""))).ShouldBe(HttpStatusCode.OK);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_churned_contract_carries_its_reason_while_the_customer_has_none_until_it_has_churned()
    {
        var customer = (await app.GetAsync("/api/v1/customers/reason?asOf=2024-07-01")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("active", customer["status"].GetValue<string>());
        Assert.True(customer.Body!.AsObject().ContainsKey("churnReason"));
        Assert.Null(customer.Body["churnReason"]);
        var contracts = customer["contracts"].AsArray().ToDictionary(c => c!["contractId"]!.GetValue<string>());
        Assert.Equal("price", contracts["reason-c2"]!["churnReason"]!.GetValue<string>());
        Assert.Null(contracts["reason-c1"]!["churnReason"]);
    }

    [Fact]
    public async Task a_churned_customer_carries_the_reason_of_the_churn_that_closed_its_last_contract()
    {
        var customer = (await app.GetAsync("/api/v1/customers/reason?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("churned", customer["status"].GetValue<string>());
        Assert.Equal("moved to a competitor", customer["churnReason"].GetValue<string>());
    }

    [Fact]
    public async Task a_customer_back_again_has_no_churn_reason()
    {
        var customer = (await app.GetAsync("/api/v1/customers/reason?asOf=2025-01-31")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("active", customer["status"].GetValue<string>());
        Assert.Null(customer.Body!["churnReason"]);
    }

    [Fact]
    public async Task a_churn_sent_without_a_reason_leaves_it_null()
    {
        var customer = (await app.GetAsync("/api/v1/customers/unsaid?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal("churned", customer["status"].GetValue<string>());
        Assert.Null(customer.Body!["churnReason"]);
        Assert.Null(customer["contracts"][0]!["churnReason"]);
    }
}
