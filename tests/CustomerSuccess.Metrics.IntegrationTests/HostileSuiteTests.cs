using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// One hostile request: what is sent, and what must come back. <see cref="Fields"/> lists the names any of which the
/// problem's <c>errors</c> may name; null when only the status is fixed. <see cref="Status"/> null means any answer
/// but a server error.
/// </summary>
public sealed record HostileCase(string Name, HttpMethod Method, string Path, byte[]? Body, string? ContentType, HttpStatusCode? Status, string[]? Fields);

/// <summary>
/// Malformed, oversized, out-of-range, type-confused, injection-shaped, encoding-broken and timeline-breaking requests
/// across every endpoint and parameter: each gets its 4xx problem naming the field, nothing is recorded, no answer
/// leaks how the server is built, and the server stays healthy.
/// </summary>
public class HostileSuiteTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    /// <summary>Every read endpoint with a query it answers.</summary>
    private static readonly (string Path, string Query)[] Reads =
    [
        ("/api/v1/arr", "asOf=2024-12-31"),
        ("/api/v1/arr/series", "from=2024-01-01&to=2024-12-31"),
        ("/api/v1/metrics/bridge", "from=2024-01-01&to=2024-12-31"),
        ("/api/v1/metrics/retention", "from=2024-01-01&to=2024-12-31"),
        ("/api/v1/metrics/cost-of-retention", "from=2024-01-01&to=2024-12-31"),
        ("/api/v1/audit/movements", "from=2024-01-01&to=2024-12-31"),
        ("/api/v1/audit/churn", "from=2024-01-01&to=2024-12-31"),
        ("/api/v1/customers", "asOf=2024-12-31"),
        ("/api/v1/customers/hs", "asOf=2024-12-31"),
        ("/api/v1/customers/hs/events", "knownAt=2030-01-01T00:00:00Z"),
        ("/api/v1/customers/hs/timeline", "from=2024-01-01&to=2024-12-31"),
        ("/api/v1/knowledge", "from=2024-01-01T00:00:00Z&to=2030-01-01T00:00:00Z"),
        ("/api/v1/explain/arr", "asOf=2024-12-31"),
        ("/api/v1/explain/retention", "from=2024-01-01&to=2024-12-31"),
        ("/api/v1/dead-letters", "limit=10"),
        ("/api/v1/keys", ""),
        ("/api/v1/audit/events", "knownAt=2030-01-01T00:00:00Z"),
        ("/api/v1/audit/restatements", "since=2024-01-01T00:00:00Z&until=2030-01-01T00:00:00Z"),
        ("/api/v1/periods/2024-03", "knownAt=2030-01-01T00:00:00Z"),
        ("/api/v1/renewals", "from=2024-01-01&to=2024-12-31"),
        ("/api/v1/metrics/ltv", "asOf=2024-12-31"),
        ("/api/v1/books/dana", "asOf=2024-12-31"),
        ("/api/v1/signals/nps", "from=2024-01-01&to=2024-12-31&csm=dana"),
        ("/api/v1/signals/csat", "from=2024-01-01&to=2024-12-31&topic=t"),
        ("/api/v1/customers/hs/health", "asOf=2024-12-31"),
        ("/api/v1/health-scores", "asOf=2024-12-31&band=red"),
    ];

    private static readonly string Signing = Signed("hs-1", "hs", "hs-c1", "2024-01-15", 12_000);

    public static IEnumerable<HostileCase> Cases()
    {
        var bad = HttpStatusCode.BadRequest;
        foreach (var (path, query) in Reads)
        {
            var first = query.Length == 0 ? "knownAt" : query.Split('&')[0].Split('=')[0];
            var firstValue = query.Length == 0 ? "2024-01-01T00:00:00Z" : query.Split('&')[0].Split('=')[1];
            var rest = string.Join('&', query.Split('&').Skip(1));
            string With(string parameter) => $"{path}?{string.Join('&', new[] { parameter, rest }.Where(p => p.Length > 0))}";
            var isDate = firstValue.Length == 10;

            yield return Get($"{path}: unknown parameter", $"{path}?{query}{(query.Length == 0 ? "" : "&")}colour=red", bad, "colour");
            yield return Get($"{path}: repeated parameter", $"{path}?{query}{(query.Length == 0 ? "" : "&")}{first}={firstValue}&{first}={firstValue}", bad, first);
            yield return Get($"{path}: limit -1", $"{path}?{query}{(query.Length == 0 ? "" : "&")}limit=-1", bad, "limit");
            yield return Get($"{path}: quotes and NUL", With($"{first}={Uri.EscapeDataString(firstValue + "'\"\0; drop table mt_events;--")}"), bad, first);
            yield return Get($"{path}: 5,000-character value", With($"{first}={new string('9', 5_000)}"), bad, first);
            yield return Get($"{path}: empty value", With($"{first}="), bad, first);
            yield return Get($"{path}: 1e308", With($"{first}=1e308"), bad, first);
            if (isDate)
            {
                yield return Get($"{path}: 30 February", With($"{first}=2024-02-30"), bad, first);
                yield return Get($"{path}: year 3000", With($"{first}=3000-01-01"), bad, first);
            }

            if (query.Contains("from=2024-01-01&to=2024-12-31", StringComparison.Ordinal))
            {
                yield return Get($"{path}: from after to", query.Length == 0 ? path : $"{path}?{query.Replace("from=2024-01-01&to=2024-12-31", "from=2024-12-31&to=2024-01-01")}", bad, "from", "to");
            }

            yield return Get($"{path}: knownAt in 1900", $"{path}?{query}{(query.Length == 0 ? "" : "&")}knownAt=1900-01-01T00:00:00Z", null);
            yield return Get($"{path}: knownAt in 3000", $"{path}?{query}{(query.Length == 0 ? "" : "&")}knownAt=3000-01-01T00:00:00Z", null);
        }

        foreach (var id in (string[])["hs'%3B%20drop%20table%20mt_events%3B--", new string('x', 3_000), "%F0%9F%92%A5", "..%2F..%2Fetc%2Fpasswd", "%C0%AF"])
        {
            yield return Get($"customer id {id[..Math.Min(20, id.Length)]}", $"/api/v1/customers/{id}?asOf=2024-12-31", null);
            yield return Get($"customer events id {id[..Math.Min(20, id.Length)]}", $"/api/v1/customers/{id}/events", null);
            yield return Get($"customer timeline id {id[..Math.Min(20, id.Length)]}", $"/api/v1/customers/{id}/timeline", null);
            yield return Get($"customer health id {id[..Math.Min(20, id.Length)]}", $"/api/v1/customers/{id}/health", null);
            yield return Get($"book of csm {id[..Math.Min(20, id.Length)]}", $"/api/v1/books/{id}", null);
            yield return Get($"nps of csm {id[..Math.Min(20, id.Length)]}", $"/api/v1/signals/nps?from=2024-01-01&to=2024-12-31&csm={id}", null);
            yield return new HostileCase($"dead letter id {id[..Math.Min(20, id.Length)]}", HttpMethod.Post, $"/api/v1/dead-letters/{id}/replay", null, null, null, null);
            yield return Get($"period {id[..Math.Min(20, id.Length)]}", $"/api/v1/periods/{id}", bad, "period");
            yield return new HostileCase($"period close {id[..Math.Min(20, id.Length)]}", HttpMethod.Post, $"/api/v1/periods/{id}/close", null, null, bad, ["period"]);
        }

        foreach (var month in (string[])["2024-02-30", "2024-00", "0000-01", "9999-12", "2024-1", "+2024-01", "2024-01%20", "2024_01"])
        {
            yield return Get($"period {month}", $"/api/v1/periods/{month}", bad, "period");
            yield return new HostileCase($"period reopen {month}", HttpMethod.Post, $"/api/v1/periods/{month}/reopen", null, null, bad, ["period"]);
        }

        yield return new HostileCase("a body sent to close a period", HttpMethod.Post, "/api/v1/periods/2024-01/close",
            Encoding.UTF8.GetBytes(new string('{', 50_000)), "application/json", bad, ["body"]);
        yield return Get("restatements without since", "/api/v1/audit/restatements?until=2030-01-01T00:00:00Z", bad, "since");

        string Event(string fields) => $$"""{"eventId":"hs-x","type":"contract.signed","customerId":"hs-x","contractId":"hs-x-c1","effectiveDate":"2024-03-01",{{fields}}}""";
        string Signal(string type, string fields) =>
            $$"""{"eventId":"hs-s","type":"{{type}}","customerId":"hs","effectiveDate":"2024-03-01",{{fields}}}""";
        yield return Get("csm with NUL", "/api/v1/health-scores?csm=a%00b", bad, "csm");
        yield return Get("topic with NUL", "/api/v1/signals/csat?from=2024-01-01&to=2024-12-31&topic=a%00b", bad, "topic");
        yield return Post("nps score 1e308", Signal("survey.nps_answered", "\"respondentId\":\"r\",\"score\":1e308"), bad, "score");
        yield return Post("nps score NaN", Signal("survey.nps_answered", "\"respondentId\":\"r\",\"score\":NaN"), bad);
        yield return Post("nps score as a string", Signal("survey.nps_answered", "\"respondentId\":\"r\",\"score\":\"9\""), bad, "score");
        yield return Post("nps comment of 1 MB", Signal("survey.nps_answered", $"\"respondentId\":\"r\",\"score\":9,\"comment\":\"{new string('x', 1_000_000)}\""), bad, "comment");
        yield return Post("csat score outside its scale", Signal("survey.csat_answered", "\"respondentId\":\"r\",\"score\":80,\"scale\":\"1-5\""), bad, "score");
        yield return Post("csat scale as a number", Signal("survey.csat_answered", "\"respondentId\":\"r\",\"score\":3,\"scale\":5"), bad, "scale");
        yield return Post("usage seats of 2^31", Signal("usage.reported", "\"licensedSeats\":2147483648,\"activeUsers\":1"), bad, "licensedSeats");
        yield return Post("usage features nested", Signal("usage.reported", $"\"licensedSeats\":1,\"activeUsers\":1,\"features\":{new string('[', 60)}{new string(']', 60)}"), bad);
        yield return Post("usage features of 10,000", Signal("usage.reported", $"\"licensedSeats\":1,\"activeUsers\":1,\"features\":[{string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"f{i}\""))}]"), bad, "features");
        yield return Post("participant with NUL", Signal("engagement.recorded", "\"kind\":\"qbr\",\"participants\":[\"da\\u0000na\"]"), bad, "participants");
        yield return Post("churn reason with NUL", Churned("hs-n", "hs", "hs-c1", "2024-06-01", "bud\\u0000get"), bad, "reason");
        yield return Post("customer name with NUL", Event("\"arr\":1,\"customer\":{\"name\":\"a\\u0000b\"}"), bad, "customer.name");
        yield return Post("risk factor with quotes", Signal("risk.flagged", "\"factor\":\"x'; drop table mt_events;--\",\"severity\":\"high\""), bad, "factor");
        yield return Post("assignment with an object csm", Signal("customer.assigned", "\"csm\":{\"name\":\"dana\"},\"touchModel\":\"high\""), bad, "csm");
        yield return Post("signal with a contractId", Signal("risk.cleared", "\"factor\":\"low_usage\",\"contractId\":\"c\""), bad, "contractId");
        yield return Post("deep nesting", new string('[', 100_000) + new string(']', 100_000), bad);
        yield return Post("20 MB body", "[" + string.Join(',', Enumerable.Repeat(Signing, 20 * 1024 * 1024 / Signing.Length)) + "]", HttpStatusCode.RequestEntityTooLarge);
        yield return Post("NaN", Event("\"arr\":NaN"), bad);
        yield return Post("Infinity", Event("\"arr\":Infinity"), bad);
        yield return Post("1e308", Event("\"arr\":1e308"), bad, "arr");
        yield return Post("-1e308", Event("\"arr\":-1e308"), bad, "arr");
        yield return Post("negative", Event("\"arr\":-1"), bad, "arr");
        yield return Post("arr as a string", Event("\"arr\":\"12000\""), bad, "arr");
        yield return Post("arr as an object", Event("\"arr\":{\"value\":1}"), bad, "arr");
        yield return Post("arr and recurringAmount", Event("\"arr\":1,\"recurringAmount\":1,\"periodMonths\":1"), bad);
        yield return Post("periodMonths 0", Event("\"recurringAmount\":100,\"periodMonths\":0"), bad, "periodMonths");
        yield return Post("periodMonths 121", Event("\"recurringAmount\":100,\"periodMonths\":121"), bad, "periodMonths");
        yield return Post("periodMonths 1.5", Event("\"recurringAmount\":100,\"periodMonths\":1.5"), bad, "periodMonths");
        yield return Post("30 February", Event("\"arr\":1").Replace("2024-03-01", "2024-02-30"), bad, "effectiveDate");
        yield return Post("a date in 1900", Event("\"arr\":1").Replace("2024-03-01", "1900-01-01"), bad, "effectiveDate");
        yield return Post("a date in 3000", Event("\"arr\":1").Replace("2024-03-01", "3000-01-01"), bad, "effectiveDate");
        yield return Post("a date as a number", Event("\"arr\":1").Replace("\"2024-03-01\"", "20240301"), bad, "effectiveDate");
        yield return Post("eventId with NUL", Event("\"arr\":1").Replace("\"hs-x\",\"type\"", "\"hs\\u0000x\",\"type\""), bad, "eventId");
        yield return Post("customerId of 10,000 characters", Event("\"arr\":1").Replace("\"customerId\":\"hs-x\"", $"\"customerId\":\"{new string('c', 10_000)}\""), bad, "customerId");
        yield return Post("unknown type", Event("\"arr\":1").Replace("contract.signed", "contract.stolen"), bad, "type");
        yield return Post("unknown field __proto__", Event("\"arr\":1,\"__proto__\":{}"), bad, "__proto__");
        yield return Post("duplicated key", Event("\"arr\":1,\"arr\":2"), bad, "arr");
        yield return Post("null body", "null", bad);
        yield return Post("a number", "42", bad);
        yield return Post("an empty batch", "[]", bad);
        yield return Post("an empty body", "", bad);
        yield return Post("1,001 events", "[" + string.Join(',', Enumerable.Range(0, 1_001).Select(i => Signed($"hs-m{i}", $"hs-m{i}", "c", "2024-01-01", 1))) + "]", bad);
        yield return Post("null fields", """{"eventId":null,"type":null,"customerId":null,"contractId":null,"effectiveDate":null,"arr":null}""", bad);
        yield return Post("upsell of a contract never signed", Upsold("hs-u", "hs-u", "hs-u-c1", "2024-03-01", 100), HttpStatusCode.UnprocessableEntity, "contractId");
        yield return Post("churn before the signing", "[" + Signed("hs-t1", "hs-t", "hs-t-c1", "2024-06-01", 100) + "," + Churned("hs-t2", "hs-t", "hs-t-c1", "2024-01-01") + "]",
            null);
        yield return Post("a void of nothing", Voided("hs-v", "no-such-event"), null);
        yield return new HostileCase("invalid UTF-8", HttpMethod.Post, "/api/v1/events",
            [.. Encoding.UTF8.GetBytes(Event("\"arr\":1").Replace("hs-x-c1", "hs-x-c\u0001")[..60]), 0xff, 0xfe, .. Encoding.UTF8.GetBytes("\"}")], "application/json", bad, null);
        yield return new HostileCase("text/plain", HttpMethod.Post, "/api/v1/events", Encoding.UTF8.GetBytes(Signing), "text/plain", HttpStatusCode.UnsupportedMediaType, null);
        yield return new HostileCase("a key request of 1 MB", HttpMethod.Post, "/api/v1/keys",
            Encoding.UTF8.GetBytes($$"""{"name":"{{new string('n', 1_000_000)}}","scopes":["admin"],"expiresAt":null}"""), "application/json", HttpStatusCode.RequestEntityTooLarge, null);

        static HostileCase Get(string name, string path, HttpStatusCode? status, params string[] fields) =>
            new(name, HttpMethod.Get, path, null, null, status, fields.Length == 0 ? null : fields);

        static HostileCase Post(string name, string body, HttpStatusCode? status, params string[] fields) =>
            new(name, HttpMethod.Post, "/api/v1/events", Encoding.UTF8.GetBytes(body), "application/json", status, fields.Length == 0 ? null : fields);
    }

    /// <summary>What no answer may show: how the server is built.</summary>
    private static readonly string[] Leaks = ["   at ", "Exception", "Npgsql", "/work/", "/home/", "/tmp/", "/usr/", "select ", "mt_events ", "System."];

    [Fact]
    public async Task every_hostile_request_gets_its_problem_and_nothing_is_recorded_and_the_server_stays_healthy()
    {
        (await app.PostEventsAsync(Signing)).ShouldBe(HttpStatusCode.OK);
        var recordedBefore = await RecordedAsync();
        var cases = Cases().ToList();
        Assert.True(cases.Count >= 100, $"only {cases.Count} cases");

        var failures = new List<string>();
        using var client = app.CreateClient();
        foreach (var hostile in cases)
        {
            using var request = new HttpRequestMessage(hostile.Method, hostile.Path);
            if (hostile.Body is not null)
            {
                request.Content = new ByteArrayContent(hostile.Body);
                request.Content.Headers.ContentType = hostile.ContentType is null ? null : MediaTypeHeaderValue.Parse(hostile.ContentType);
            }

            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var shown = text.Length > 300 ? text[..300] : text;
            if (status >= 500 || hostile.Status is { } expected && response.StatusCode != expected)
            {
                failures.Add($"{hostile.Name}: {status} (expected {(hostile.Status is { } s ? ((int)s).ToString() : "no 5xx")}): {shown}");
                continue;
            }

            if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                failures.Add($"{hostile.Name}: {status} is not a problem document: {shown}");
            }

            if (Leaks.FirstOrDefault(leak => text.Contains(leak, StringComparison.Ordinal)) is { } leaked)
            {
                failures.Add($"{hostile.Name}: the answer shows '{leaked}': {shown}");
            }

            if (hostile.Fields is { } fields)
            {
                var named = (text.Length == 0 ? null : JsonNode.Parse(text))?["errors"]?.AsObject().Select(e => e.Key).ToList() ?? [];
                if (!named.Any(key => fields.Any(field => key.Contains(field, StringComparison.Ordinal))))
                {
                    failures.Add($"{hostile.Name}: errors name [{string.Join(", ", named)}], not {string.Join(" or ", fields)}: {shown}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} hostile requests were mishandled:\n{string.Join('\n', failures)}");
        Assert.Equal(recordedBefore, await RecordedAsync());

        using var anonymous = app.CreateClientWithoutKey();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        Assert.Equal(12_000m, (await app.GetAsync("/api/v1/arr?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK).Decimal("arr"));
    }

    private async Task<long> RecordedAsync()
    {
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select count(*) from {app.Schema}.mt_events", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
