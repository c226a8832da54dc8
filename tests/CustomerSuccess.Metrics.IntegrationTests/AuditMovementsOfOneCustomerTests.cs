using System.Net;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>The movement audit narrowed to one customer with <c>customerId</c>.</summary>
public class AuditMovementsOfOneCustomerTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    public Task InitializeAsync() => app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAsync(Batch(
            Signed("am-1", "one", "one-c1", "2024-01-10", 10_000, "smb"),
            Upsold("am-2", "one", "one-c1", "2024-04-01", 2_000),
            Churned("am-3", "one", "one-c1", "2024-09-01"),
            Signed("am-4", "one.two", "one.two-c1", "2024-02-01", 8_000, "smb"),
            Downsold("am-5", "one.two", "one.two-c1", "2024-04-01", 3_000),
            Signed("am-6", "other", "other-c1", "2024-03-01", 4_000, "enterprise")))).ShouldBe(HttpStatusCode.OK);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("one", 3)]
    [InlineData("one.two", 2)]
    [InlineData("other", 1)]
    [InlineData("nobody", 0)]
    public async Task only_that_customers_movements_are_listed_and_counted(string customerId, int movements)
    {
        var all = (await app.GetAsync("/api/v1/audit/movements?from=2024-01-01&to=2024-12-31")).ShouldBe(HttpStatusCode.OK);
        var one = (await app.GetAsync($"/api/v1/audit/movements?from=2024-01-01&to=2024-12-31&customerId={customerId}")).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(customerId, one["customerId"].GetValue<string>());
        Assert.Equal(movements, one["total"].GetValue<int>());
        Assert.Equal(
            all["movements"].AsArray().Where(m => m!["customerId"]!.GetValue<string>() == customerId).Select(m => m!.ToJsonString()),
            one["movements"].AsArray().Select(m => m!.ToJsonString()));
    }

    [Fact]
    public async Task it_combines_with_the_other_filters_and_paging()
    {
        var page = (await app.GetAsync("/api/v1/audit/movements?from=2024-01-01&to=2024-12-31&customerId=one&segment=smb&limit=1&offset=2"))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal(3, page["total"].GetValue<int>());
        Assert.Equal("churn", Assert.Single(page["movements"].AsArray())!["kind"]!.GetValue<string>());

        var beyond = (await app.GetAsync("/api/v1/audit/movements?from=2024-01-01&to=2024-12-31&customerId=one&offset=5")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal(3, beyond["total"].GetValue<int>());
        Assert.Empty(beyond["movements"].AsArray());

        var kind = (await app.GetAsync("/api/v1/audit/movements?from=2024-01-01&to=2024-12-31&customerId=one.two&kind=contraction"))
            .ShouldBe(HttpStatusCode.OK);
        Assert.Equal(1, kind["total"].GetValue<int>());
        Assert.Null((await app.GetAsync("/api/v1/audit/movements?from=2024-01-01&to=2024-12-31")).Body!["customerId"]);
    }

    [Theory]
    [InlineData("customerId=", "must not be empty")]
    [InlineData("customerId=has%20space", "letters, digits")]
    [InlineData("customerId=-leading", "letters, digits")]
    [InlineData("customerId=mt_events", "mt_")]
    [InlineData("customerId=one&customerId=other", "once")]
    public async Task a_bad_customer_id_is_a_400_naming_it(string query, string message)
    {
        var refused = (await app.GetAsync($"/api/v1/audit/movements?from=2024-01-01&to=2024-12-31&{query}")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Contains(message, refused["errors"]["customerId"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task a_customer_id_longer_than_any_recorded_is_a_400_naming_it()
    {
        var refused = (await app.GetAsync($"/api/v1/audit/movements?from=2024-01-01&to=2024-12-31&customerId={new string('c', 129)}"))
            .ShouldBe(HttpStatusCode.BadRequest);

        Assert.Contains("128", refused["errors"]["customerId"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task a_misspelt_customer_id_is_still_refused_as_unknown()
    {
        var refused = (await app.GetAsync("/api/v1/audit/movements?from=2024-01-01&to=2024-12-31&customer=one")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Contains("customerId", refused["errors"]["customer"]![0]!.GetValue<string>());
    }
}
