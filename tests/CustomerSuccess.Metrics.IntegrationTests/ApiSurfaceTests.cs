using System.Net;
using System.Text.Json.Nodes;
using CustomerSuccess.Metrics.Api.Endpoints;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>The OpenAPI document and reference page describe exactly what the API does.</summary>
public class ApiSurfaceTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    public async Task InitializeAsync() => await app.SeedOnceAsync(async () =>
    {
        (await app.PostEventsAsync(Batch(
            Signed("os-1", "os", "os-c1", "2024-01-15", 12_000, "enterprise"),
            CrossSold("os-2", "os", "os-c2", "2024-03-01", 3_000),
            Churned("os-3", "os", "os-c2", "2024-09-01"),
            Voided("os-4", "os-3"),
            RetentionCost("os-5", "2024-06-30", "tooling", 500),
            Signed("oc-1", "oc", "oc-c1", "2024-02-01", 5_000),
            Churned("oc-2", "oc", "oc-c1", "2024-10-01")))).ShouldBe(HttpStatusCode.OK);
    });

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonNode> DocumentAsync() => (await app.GetAsync("/openapi/v1.json")).ShouldBe(HttpStatusCode.OK).Body!;

    [Fact]
    public async Task every_mapped_route_is_in_the_document_with_its_query_parameters()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject();
        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal)).ToList();

        Assert.Equal(33, routes.Count);
        foreach (var route in routes)
        {
            var path = "/" + route.RoutePattern.RawText!.TrimStart('/');
            var method = route.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single().ToLowerInvariant();
            Assert.True(paths.ContainsKey(path), $"{path} is not in the OpenAPI document");
            var operation = paths[path]![method] ?? throw new Xunit.Sdk.XunitException($"{method} {path} is not in the document");

            var declared = route.Metadata.GetMetadata<AcceptsQueryAttribute>()?.Parameters.Select(ReadParameters.NameOf).ToList() ?? [];
            var documented = operation["parameters"]?.AsArray().Where(p => p!["in"]!.GetValue<string>() == "query")
                .Select(p => p!["name"]!.GetValue<string>()).ToList() ?? [];
            Assert.Equal(declared, documented);
            Assert.NotNull(operation["responses"]!["400"]);
        }
    }

    [Theory]
    [InlineData("/api/v1/arr", "/api/v1/arr?asOf=2024-12-31")]
    [InlineData("/api/v1/arr/series", "/api/v1/arr/series?from=2024-01-01&to=2024-12-31")]
    [InlineData("/api/v1/metrics/bridge", "/api/v1/metrics/bridge?from=2024-01-01&to=2024-12-31&interval=quarter")]
    [InlineData("/api/v1/metrics/retention", "/api/v1/metrics/retention?from=2024-02-01&to=2024-12-31")]
    [InlineData("/api/v1/metrics/cost-of-retention", "/api/v1/metrics/cost-of-retention?from=2024-02-01&to=2024-12-31")]
    [InlineData("/api/v1/audit/movements", "/api/v1/audit/movements?from=2024-01-01&to=2024-12-31")]
    [InlineData("/api/v1/customers/{customerId}", "/api/v1/customers/os?asOf=2024-12-31")]
    [InlineData("/api/v1/customers/{customerId}/events", "/api/v1/customers/os/events")]
    [InlineData("/api/v1/customers/{customerId}/timeline", "/api/v1/customers/os/timeline")]
    [InlineData("/api/v1/audit/churn", "/api/v1/audit/churn?from=2024-01-01&to=2024-12-31")]
    [InlineData("/api/v1/explain/arr", "/api/v1/explain/arr?asOf=2024-12-31")]
    [InlineData("/api/v1/explain/retention", "/api/v1/explain/retention?from=2024-02-01&to=2024-12-31")]
    [InlineData("/api/v1/customers", "/api/v1/customers?asOf=2024-12-31")]
    [InlineData("/api/v1/knowledge", "/api/v1/knowledge")]
    [InlineData("/api/v1/metrics/ltv", "/api/v1/metrics/ltv?asOf=2024-12-31")]
    [InlineData("/api/v1/books/{csm}", "/api/v1/books/dana?asOf=2024-12-31")]
    [InlineData("/api/v1/renewals", "/api/v1/renewals?from=2024-01-01&to=2024-12-31")]
    [InlineData("/api/v1/audit/events", "/api/v1/audit/events")]
    [InlineData("/api/v1/periods/{period}", "/api/v1/periods/2024-03")]
    [InlineData("/api/v1/audit/restatements", "/api/v1/audit/restatements?since=2024-01-01T00:00:00Z")]
    [InlineData("/api/v1/signals/nps", "/api/v1/signals/nps?from=2024-01-01&to=2024-12-31")]
    [InlineData("/api/v1/signals/csat", "/api/v1/signals/csat?from=2024-01-01&to=2024-12-31")]
    [InlineData("/api/v1/customers/{customerId}/health", "/api/v1/customers/os/health?asOf=2024-12-31")]
    [InlineData("/api/v1/health-scores", "/api/v1/health-scores?asOf=2024-12-31")]
    public async Task documented_response_fields_are_the_fields_answered(string path, string request)
    {
        var document = await DocumentAsync();
        var schema = Resolve(document, document["paths"]![path]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!);
        var answer = (await app.GetAsync(request)).ShouldBe(HttpStatusCode.OK).Body!;

        AssertSameFields(document, schema, answer, path);
    }

    [Fact]
    public async Task the_event_body_has_an_example_of_every_event_type()
    {
        var post = (await DocumentAsync())["paths"]!["/api/v1/events"]!["post"]!;
        var examples = post["requestBody"]!["content"]!["application/json"]!["examples"]!.AsObject();

        foreach (var type in Metrics.Events.EventTypeNames.All)
        {
            Assert.True(examples.ContainsKey(type), $"no example of {type}");
        }

        foreach (var status in new[] { "200", "400", "409", "413", "415", "422", "503" })
        {
            Assert.NotNull(post["responses"]![status]);
        }
    }

    [Fact]
    public async Task the_reference_page_is_served_with_its_script_from_the_host()
    {
        using var client = app.CreateClient();
        var page = await client.GetStringAsync("/docs/");
        Assert.Contains("openapi/v1.json", page);
        Assert.DoesNotContain("https://", page);

        using var script = await client.GetAsync("/docs/scalar.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 100_000);
    }

    private static JsonNode Resolve(JsonNode document, JsonNode schema) =>
        schema["$ref"] is { } reference
            ? document["components"]!["schemas"]![reference.GetValue<string>().Split('/').Last()]!
            : schema;

    private static void AssertSameFields(JsonNode document, JsonNode schema, JsonNode answer, string where)
    {
        schema = Resolve(document, schema);
        if (answer is JsonArray array)
        {
            if (array.Count > 0)
            {
                AssertSameFields(document, schema["items"]!, array[0]!, where + "[]");
            }

            return;
        }

        if (answer is not JsonObject fields || schema["additionalProperties"] is not null)
        {
            return;
        }

        var documented = schema["properties"]!.AsObject().Select(p => p.Key).Order().ToList();
        Assert.True(documented.SequenceEqual(fields.Select(f => f.Key).Order()),
            $"{where}: documented [{string.Join(", ", documented)}], answered [{string.Join(", ", fields.Select(f => f.Key).Order())}]");
        foreach (var (name, value) in fields)
        {
            if (value is JsonObject or JsonArray)
            {
                AssertSameFields(document, schema["properties"]![name]!, value, $"{where}.{name}");
            }
        }
    }
}
