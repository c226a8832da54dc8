using System.Net;
using System.Net.Http.Headers;
using System.Text;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>What a hostile or careless client can send, from outside, and what it gets back.</summary>
public class HostileInputTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private async Task<Reply> PostAsync(byte[] body, string? contentType, string? origin = null)
    {
        using var client = app.CreateClient();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = content };
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        using var response = await client.SendAsync(request);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), "no origin is configured, so no CORS header may be sent");
        return await Reply.ReadAsync(response);
    }

    private async Task AssertNothingRecordedFor(string customer) =>
        (await app.GetAsync($"/api/v1/customers/{customer}/events")).ShouldBe(HttpStatusCode.NotFound);

    [Fact]
    public async Task a_seven_month_amount_and_an_upsell_answer_every_figure()
    {
        (await app.PostEventsAsync(Batch(
            """{"eventId":"q-1","type":"contract.signed","customerId":"q1","contractId":"q1-1","effectiveDate":"2024-01-15","recurringAmount":1000,"periodMonths":7}""",
            """{"eventId":"q-3","type":"contract.signed","customerId":"q3","contractId":"q3-1","effectiveDate":"2023-06-01","recurringAmount":999.999999,"periodMonths":11}""")))
            .ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAsync(Upsold("q-2", "q1", "q1-1", "2024-02-01", 9_000))).ShouldBe(HttpStatusCode.OK);

        Assert.Equal(11_805.19m, (await app.GetAsync("/api/v1/arr?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK).Decimal("arr"));
        Assert.Equal(10_714.29m, (await app.GetAsync("/api/v1/customers/q1?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK).Decimal("arr"));
        foreach (var path in new[]
                 {
                     "/api/v1/arr/series?from=2023-01-01&to=2024-12-31&interval=day",
                     "/api/v1/metrics/bridge?from=2023-01-01&to=2024-12-31&interval=week",
                     "/api/v1/metrics/retention?asOf=2024-12-31",
                     "/api/v1/metrics/cost-of-retention?from=2024-01-01&to=2024-12-31",
                     "/api/v1/audit/movements?from=2023-01-01&to=2024-12-31",
                 })
        {
            (await app.GetAsync(path)).ShouldBe(HttpStatusCode.OK);
        }

        var bridge = (await app.GetAsync("/api/v1/metrics/bridge?from=2024-01-01&to=2024-12-31"))["summary"];
        Assert.Equal(1_714.29m, bridge["newArr"]!.GetValue<decimal>());
        Assert.Equal(9_000m, bridge["expansionArr"]!.GetValue<decimal>());
    }

    [Theory]
    [InlineData("""{"eventId":"hx83-e","type":"contract.signed","customerId":"hx83","contractId":"hx83-1","effectiveDate":"2024-03-01","arr":12000,"arr":99999}""", "hx83", "arr")]
    [InlineData("""{"eventId":"hx85-e","eventId":"hx85-f","type":"contract.signed","customerId":"hx85","contractId":"hx85-1","effectiveDate":"2024-03-01","arr":1}""", "hx85", "eventId")]
    [InlineData("""[{"eventId":"hx86-a","type":"contract.signed","customerId":"hx86","contractId":"hx86-1","effectiveDate":"2024-03-01","arr":1},{"eventId":"hx86-b","type":"contract.upsold","customerId":"hx86","contractId":"hx86-1","effectiveDate":"2024-03-02","arrIncrease":1,"arrIncrease":2}]""", "hx86", "[1].arrIncrease")]
    public async Task a_field_given_twice_is_refused_and_nothing_is_recorded(string json, string customer, string field)
    {
        var refused = (await app.PostEventsAsync(json)).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Contains("more than once", refused["errors"][field]![0]!.GetValue<string>());
        await AssertNothingRecordedFor(customer);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=latin1")]
    [InlineData(null)]
    public async Task a_write_that_is_not_json_is_refused_with_415(string? contentType)
    {
        var body = Encoding.UTF8.GetBytes(Signed("ct-1", "ct", "ct-1", "2024-01-01", 1_000));

        var refused = await PostAsync(body, contentType, origin: "http://evil.example");

        refused.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("application/problem+json", refused.ContentType);
        await AssertNothingRecordedFor("ct");
    }

    [Theory]
    [InlineData("application/json; charset=utf-8", "cj-1")]
    [InlineData("application/cloudevents+json", "cj-2")]
    public async Task json_and_json_suffixed_types_are_recorded(string contentType, string customer)
    {
        var body = Encoding.UTF8.GetBytes(Signed($"{customer}-e", customer, $"{customer}-c", "2030-01-01", 1_000));

        (await PostAsync(body, contentType, origin: "http://evil.example")).ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0xfe })]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })]
    public async Task invalid_utf8_in_a_value_is_a_400_naming_the_field(byte[] bad)
    {
        var body = Encoding.UTF8.GetBytes("""{"eventId":"u8-1","type":"contract.signed","customerId":"u8","contractId":"u8-1","effectiveDate":"2024-01-01","arr":1,"product":"x""")
            .Concat(bad).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();

        var refused = (await PostAsync(body, "application/json")).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Contains("not valid text", refused["errors"]["product"]![0]!.GetValue<string>());
        await AssertNothingRecordedFor("u8");
    }

    [Fact]
    public async Task an_unpaired_surrogate_is_a_400_naming_the_field()
    {
        var refused = (await app.PostEventsAsync("""{"eventId":"hx19\ud800","type":"contract.signed","customerId":"hx19","contractId":"hx19-1","effectiveDate":"2024-01-01","arr":1}"""))
            .ShouldBe(HttpStatusCode.BadRequest);

        Assert.Contains("not valid text", refused["errors"]["eventId"]![0]!.GetValue<string>());
        await AssertNothingRecordedFor("hx19");
    }

    [Theory]
    [InlineData("/api/v1/arr/series?from=9999-01-01&to=9999-12-31&interval=week", "from")]
    [InlineData("/api/v1/metrics/bridge?from=9999-12-01&to=9999-12-31&interval=week", "from")]
    [InlineData("/api/v1/metrics/retention?asOf=-9998-01-01", "asOf")]
    [InlineData("/api/v1/metrics/bridge?from=-9998-01-01&to=-9998-01-02&interval=day", "from")]
    [InlineData("/api/v1/arr?asOf=2200-01-01", "asOf")]
    [InlineData("/api/v1/arr?asOf=1969-12-31", "asOf")]
    [InlineData("/api/v1/arr?knownAt=-9998-01-01T00:00:00Z", "knownAt")]
    [InlineData("/api/v1/customers/x?asOf=9999-12-31", "asOf")]
    [InlineData("/api/v1/metrics/cost-of-retention?from=2024-01-01&to=9999-12-31", "to")]
    [InlineData("/api/v1/audit/movements?from=0001-01-01&to=2024-12-31", "from")]
    public async Task a_read_date_outside_the_range_events_may_carry_is_a_400_naming_it(string path, string parameter)
    {
        var refused = (await app.GetAsync(path)).ShouldBe(HttpStatusCode.BadRequest);

        Assert.True(refused["errors"][parameter] is not null, refused.Text);
    }

    [Theory]
    [InlineData("/api/v1/arr/series?from=2199-01-01&to=2199-12-31&interval=week")]
    [InlineData("/api/v1/metrics/bridge?from=2199-12-01&to=2199-12-31&interval=year")]
    [InlineData("/api/v1/metrics/retention?asOf=1970-01-01")]
    [InlineData("/api/v1/metrics/bridge?from=1970-01-01&to=1970-01-02&interval=day")]
    [InlineData("/api/v1/arr?asOf=2199-12-31&knownAt=9999-12-31T23:59:59Z")]
    [InlineData("/api/v1/arr?asOf=1970-01-01&knownAt=1970-01-01T00:00:00Z")]
    public async Task the_extreme_dates_allowed_are_answered(string path)
    {
        (await app.GetAsync(path)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_customer_id_the_store_keeps_for_itself_is_refused()
    {
        var refused = (await app.PostEventsAsync(Signed("tomb-1", "mt_tombstone", "tomb-c1", "2024-01-01", 1_000))).ShouldBe(HttpStatusCode.BadRequest);

        Assert.Contains("mt_", refused["errors"]["customerId"]![0]!.GetValue<string>());
        (await app.GetAsync("/api/v1/customers/mt_tombstone/events")).ShouldBe(HttpStatusCode.NotFound);
    }
}
