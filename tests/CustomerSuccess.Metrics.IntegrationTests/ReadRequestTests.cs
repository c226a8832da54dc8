using System.Net;
using System.Text.Json.Nodes;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>How every endpoint reads its query: nothing unknown is answered as if it were absent, nothing null is left out.</summary>
public class ReadRequestTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    [Theory]
    [InlineData("/api/v1/arr?asOf=2024-12-31&knowAt=2024-06-01T00:00:00Z", "knowAt", "asOf, knownAt, segment")]
    [InlineData("/api/v1/arr?asoff=2024-12-31", "asoff", "asOf, knownAt, segment")]
    [InlineData("/api/v1/arr/series?from=2024-01-01&to=2024-12-31&intervall=week", "intervall", "from, to, interval, knownAt, segment")]
    [InlineData("/api/v1/metrics/bridge?from=2024-01-01&to=2024-12-31&segmnet=smb", "segmnet", "from, to, interval, knownAt, segment")]
    [InlineData("/api/v1/metrics/retention?asOf=2024-12-31&interval=month", "interval", "asOf, from, to, knownAt, segment")]
    [InlineData("/api/v1/metrics/cost-of-retention?from=2024-01-01&to=2024-12-31&category=tooling", "category", "from, to, knownAt, segment")]
    [InlineData("/api/v1/audit/movements?from=2024-01-01&to=2024-12-31&page=2", "page", "from, to, kind, limit, offset, knownAt, segment, customerId")]
    [InlineData("/api/v1/customers/rr?asOf=2024-12-31&segment=smb", "segment", "asOf, knownAt")]
    [InlineData("/api/v1/audit/churn?from=2024-01-01&to=2024-12-31&formt=csv", "formt", "from, to, knownAt, segment, format")]
    [InlineData("/api/v1/explain/arr?asOf=2024-12-31&limit=10", "limit", "asOf, knownAt, segment, format")]
    [InlineData("/api/v1/explain/retention?asOf=2024-12-31&kind=churn", "kind", "asOf, from, to, knownAt, segment, format")]
    [InlineData("/api/v1/customers/rr/events?asOf=2024-06-01", "asOf", "accepted: knownAt")]
    [InlineData("/api/v1/customers/rr/timeline?asOf=2024-06-01", "asOf", "accepted: from, to, knownAt")]
    [InlineData("/api/v1/customers?asOf=2024-12-31&customerId=rr", "customerId", "asOf, knownAt, segment, status, limit, offset")]
    [InlineData("/api/v1/knowledge?knownAt=2024-06-01T00:00:00Z", "knownAt", "from, to, limit, offset")]
    public async Task an_unknown_query_parameter_is_a_400_naming_it_and_the_accepted_ones(string path, string parameter, string accepted)
    {
        var refused = (await app.GetAsync(path)).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Contains(accepted, refused["errors"][parameter]![0]!.GetValue<string>());
        Assert.DoesNotContain("recorded", refused["detail"].GetValue<string>());
    }

    [Fact]
    public async Task a_query_parameter_on_a_write_is_refused_and_nothing_is_recorded()
    {
        using var client = app.CreateClient();
        using var content = new StringContent(Signed("qw-1", "qw", "qw-c1", "2024-01-01", 1_000), System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/api/v1/events?dryRun=true", content);
        var refused = (await Reply.ReadAsync(response)).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Contains("takes no query parameters", refused["errors"]["dryRun"]![0]!.GetValue<string>());
        (await app.GetAsync("/api/v1/customers/qw/events")).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task a_figure_without_a_value_is_sent_as_null_with_its_note()
    {
        var retention = (await app.GetAsync("/api/v1/metrics/retention?from=1990-01-01&to=1990-12-31")).ShouldBe(HttpStatusCode.OK);
        var fields = retention.Body!.AsObject();
        foreach (var rate in new[] { "grossRenewalRate", "netRenewalRate", "logoRetention", "logoChurnRate", "expansionRate", "contractionRate", "revenueChurnRate", "quickRatio" })
        {
            Assert.True(fields.ContainsKey(rate), $"{rate} is missing from {retention.Text}");
            Assert.Null(fields[rate]);
        }

        Assert.NotEmpty(retention["notes"].AsArray());

        var cost = (await app.GetAsync("/api/v1/metrics/cost-of-retention?from=2024-01-01&to=2024-12-31&segment=smb")).ShouldBe(HttpStatusCode.OK);
        Assert.True(cost.Body!.AsObject().ContainsKey("costOfRetention"), cost.Text);
        Assert.Null(cost.Body["costOfRetention"]);
        Assert.Contains(cost["notes"].AsArray(), n => n!.GetValue<string>().Contains("segment"));
    }

    [Fact]
    public async Task a_repeated_empty_or_contradicting_parameter_is_refused_and_an_absent_one_defaulted()
    {
        var twice = (await app.GetAsync("/api/v1/arr?asOf=2024-01-01&asOf=2024-02-01")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("once", twice["errors"]["asOf"]![0]!.GetValue<string>());

        var empty = (await app.GetAsync("/api/v1/arr?asOf=2024-01-01&knownAt=")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("must not be empty", empty["errors"]["knownAt"]![0]!.GetValue<string>());

        var both = (await app.GetAsync("/api/v1/metrics/retention?asOf=2024-12-31&from=2024-01-01&to=2024-12-31")).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains("not both", both["errors"]["asOf"]![0]!.GetValue<string>());

        var series = (await app.GetAsync("/api/v1/arr/series?from=2024-01-01&to=2024-03-31")).ShouldBe(HttpStatusCode.OK);
        Assert.Equal("month", series["interval"].GetValue<string>());
        Assert.Equal(3, series["entries"].AsArray().Count);
        Assert.IsType<JsonValue>(series["knownAt"], exactMatch: false);
    }
}
