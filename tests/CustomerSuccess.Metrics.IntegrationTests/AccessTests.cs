using System.Net;
using System.Net.Http.Headers;
using System.Text;
using CustomerSuccess.Metrics.Access;
using CustomerSuccess.Metrics.Api.Access;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>Nothing is readable or writable without a key, and each scope opens exactly its endpoints.</summary>
public class AccessTests(MetricsApp app) : IClassFixture<MetricsApp>, IAsyncLifetime
{
    public async Task InitializeAsync() => await app.SeedOnceAsync(async () =>
        (await app.PostEventsAsync(Batch(Signed("ac-1", "ac", "ac-c1", "2024-01-15", 12_000, "enterprise")))).ShouldBe(HttpStatusCode.OK));

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Every API route, with its method, a path that reaches it and the scope it declares.</summary>
    private IReadOnlyList<(string Method, string Path, string Scope)> Routes() =>
        [.. app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .Select(e => (
                e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single(),
                "/" + string.Join('/', e.RoutePattern.RawText!.Trim('/').Split('/').Select(s => s.StartsWith('{') ? "x" : s)),
                e.Metadata.GetMetadata<RequiresScopeAttribute>()?.Scope
                ?? throw new Xunit.Sdk.XunitException($"{e.RoutePattern.RawText} declares no scope")))];

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path) =>
        await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = method == "GET" ? null : new StringContent("{}", Encoding.UTF8, "application/json"),
        });

    private async Task<string> CreateKeyAsync(string name, params string[] scopes)
    {
        var body = $$"""{"name": "{{name}}", "scopes": [{{string.Join(", ", scopes.Select(s => $"\"{s}\""))}}], "expiresAt": null}""";
        using var client = app.CreateClient();
        using var response = await client.PostAsync("/api/v1/keys", new StringContent(body, Encoding.UTF8, "application/json"));
        var reply = (await Reply.ReadAsync(response)).ShouldBe(HttpStatusCode.Created);
        Assert.Equal(name, reply["name"].GetValue<string>());
        return reply["key"].GetValue<string>();
    }

    [Fact]
    public async Task without_a_valid_key_every_api_route_and_the_scrape_answer_401_alike_while_health_and_the_description_stay_open()
    {
        var revoked = await CreateKeyAsync("revoked-reader", Scopes.MetricsRead);
        (await app.CreateClient().DeleteAsync("/api/v1/keys/revoked-reader")).StatusCode.ShouldBeCode(HttpStatusCode.NoContent);
        var wrongSecret = revoked[..^4] + "AAAA";
        string[] notKeys = ["", "nonsense", revoked, wrongSecret, "csm_0123456789abcdef_" + new string('x', 43), new string('k', 10_000)];

        string? firstDetail = null;
        foreach (var (method, path, _) in Routes().Append(("GET", "/metrics", Scopes.MetricsRead)).Append(("GET", "/api/v1/no-such-route", "")))
        {
            foreach (var key in notKeys)
            {
                using var client = key.Length == 0 ? app.CreateClientWithoutKey() : app.CreateClientWithKey(key);
                using var response = await SendAsync(client, method, path);
                var reply = (await Reply.ReadAsync(response)).ShouldBe(HttpStatusCode.Unauthorized);
                Assert.Equal("application/problem+json", reply.ContentType);
                Assert.NotEmpty(response.Headers.WwwAuthenticate);
                // One answer for every kind of failure: nothing tells a revoked key from an unknown one.
                firstDetail ??= reply["detail"].GetValue<string>();
                Assert.Equal(firstDetail, reply["detail"].GetValue<string>());
                Assert.DoesNotContain("revoked", reply.Text, StringComparison.OrdinalIgnoreCase);
            }
        }

        using var anonymous = app.CreateClientWithoutKey();
        foreach (var path in (string[])["/health/live", "/health/ready", "/openapi/v1.json"])
        {
            (await anonymous.GetAsync(path)).StatusCode.ShouldBeCode(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task each_scope_opens_exactly_the_routes_that_need_it_and_admin_opens_all()
    {
        var routes = Routes();
        Assert.Contains(routes, r => r is { Method: "POST", Path: "/api/v1/events", Scope: Scopes.EventsWrite });
        Assert.Contains(routes, r => r is { Method: "GET", Path: "/api/v1/arr", Scope: Scopes.MetricsRead });
        Assert.Contains(routes, r => r is { Method: "GET", Path: "/api/v1/keys", Scope: Scopes.Admin });
        Assert.Contains(routes, r => r is { Method: "GET", Path: "/api/v1/dead-letters", Scope: Scopes.Admin });

        var keys = new Dictionary<string, string>
        {
            [Scopes.EventsWrite] = await CreateKeyAsync("scope-writer", Scopes.EventsWrite),
            [Scopes.MetricsRead] = await CreateKeyAsync("scope-reader", Scopes.MetricsRead),
            [Scopes.Admin] = await CreateKeyAsync("scope-admin", Scopes.Admin),
        };
        foreach (var (method, path, scope) in routes.Where(r => r.Method != "DELETE"))
        {
            foreach (var (held, key) in keys)
            {
                using var client = app.CreateClientWithKey(key);
                using var response = await SendAsync(client, method, path);
                var allowed = held == scope || held == Scopes.Admin;
                Assert.True(allowed ? response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) : response.StatusCode == HttpStatusCode.Forbidden,
                    $"{method} {path} with a {held} key: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        // Revoking is an admin act too: a reader may not revoke even itself.
        using (var reader = app.CreateClientWithKey(keys[Scopes.MetricsRead]))
        {
            (await reader.DeleteAsync("/api/v1/keys/scope-reader")).StatusCode.ShouldBeCode(HttpStatusCode.Forbidden);
        }

        // Sent as a bearer token, a key works the same.
        using var bearer = app.CreateClientWithoutKey();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", keys[Scopes.MetricsRead]);
        (await bearer.GetAsync("/api/v1/arr?asOf=2024-12-31")).StatusCode.ShouldBeCode(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_key_is_shown_once_listed_without_its_secret_refused_once_revoked_or_expired_and_its_name_is_unique_while_in_force()
    {
        var key = await CreateKeyAsync("billing", Scopes.EventsWrite);
        Assert.StartsWith("csm_", key);
        using var admin = app.CreateClient();
        using (var taken = await admin.PostAsync("/api/v1/keys",
                   new StringContent("""{"name": "billing", "scopes": ["metrics:read"], "expiresAt": null}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal("name", (await Reply.ReadAsync(taken)).ShouldBe(HttpStatusCode.Conflict)["errors"].AsObject().Single().Key);
        }

        // What it sent is on record under its name, and how it came.
        using (var billing = app.CreateClientWithKey(key))
        {
            using var sent = await billing.PostAsync("/api/v1/events",
                new StringContent(Signed("ac-2", "ac-billed", "ac-billed-c1", "2024-02-01", 6_000), Encoding.UTF8, "application/json"));
            (await Reply.ReadAsync(sent)).ShouldBe(HttpStatusCode.OK);
        }

        var history = (await app.GetAsync("/api/v1/customers/ac-billed/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray().Single()!;
        Assert.Equal("billing", history["publishedBy"]!.GetValue<string>());
        Assert.Equal("http", history["via"]!.GetValue<string>());
        var seeded = (await app.GetAsync("/api/v1/customers/ac/events")).ShouldBe(HttpStatusCode.OK)["events"].AsArray().Single()!;
        Assert.Equal(MetricsApp.AdminKeyName, seeded["publishedBy"]!.GetValue<string>());

        var listed = (await app.GetAsync("/api/v1/keys")).ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain(key, listed.Text);
        Assert.DoesNotContain(key[^20..], listed.Text);
        var entry = listed["keys"].AsArray().Single(k => k!["name"]!.GetValue<string>() == "billing")!;
        Assert.Equal([Scopes.EventsWrite], entry["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.NotNull(entry["lastUsedAt"]);

        (await admin.DeleteAsync("/api/v1/keys/billing")).StatusCode.ShouldBeCode(HttpStatusCode.NoContent);
        using (var billing = app.CreateClientWithKey(key))
        {
            using var refused = await billing.PostAsync("/api/v1/events",
                new StringContent(Signed("ac-3", "ac-billed", "ac-billed-c2", "2024-02-01", 6_000), Encoding.UTF8, "application/json"));
            refused.StatusCode.ShouldBeCode(HttpStatusCode.Unauthorized);
        }

        (await admin.DeleteAsync("/api/v1/keys/billing")).StatusCode.ShouldBeCode(HttpStatusCode.NotFound);
        // The name is free again once its key is revoked.
        Assert.NotEqual(key, await CreateKeyAsync("billing", Scopes.EventsWrite));

        // A key that expires is refused from its expiry on.
        var expiresAt = app.Clock.GetCurrentInstant() + Duration.FromHours(1);
        using (var created = await admin.PostAsync("/api/v1/keys", new StringContent(
                   $$"""{"name": "short-lived", "scopes": ["metrics:read"], "expiresAt": "{{expiresAt}}"}""", Encoding.UTF8, "application/json")))
        {
            var shortLived = (await Reply.ReadAsync(created)).ShouldBe(HttpStatusCode.Created)["key"].GetValue<string>();
            using var reader = app.CreateClientWithKey(shortLived);
            (await reader.GetAsync("/api/v1/arr?asOf=2024-12-31")).StatusCode.ShouldBeCode(HttpStatusCode.OK);
            app.Clock.Reset(expiresAt);
            (await reader.GetAsync("/api/v1/arr?asOf=2024-12-31")).StatusCode.ShouldBeCode(HttpStatusCode.Unauthorized);
        }
    }

    [Theory]
    [InlineData("""{"name": "x", "scopes": ["metrics:read"], "expiresAt": null, "owner": "me"}""", "owner")]
    [InlineData("""{"scopes": ["metrics:read"], "expiresAt": null}""", "name")]
    [InlineData("""{"name": "Has Spaces", "scopes": ["metrics:read"], "expiresAt": null}""", "name")]
    [InlineData("""{"name": "x", "scopes": [], "expiresAt": null}""", "scopes")]
    [InlineData("""{"name": "x", "scopes": ["metrics:write"], "expiresAt": null}""", "scopes")]
    [InlineData("""{"name": "x", "scopes": "admin", "expiresAt": null}""", "scopes")]
    [InlineData("""{"name": "x", "scopes": ["admin"], "expiresAt": "2000-01-01T00:00:00Z"}""", "expiresAt")]
    [InlineData("""{"name": "x", "scopes": ["admin"], "expiresAt": "tomorrow"}""", "expiresAt")]
    [InlineData("""{"name": "x", "scopes": ["admin"], "expiresAt": "9999-12-31T23:59:59Z"}""", "expiresAt")]
    [InlineData("""{"name": "x", "scopes": ["admin"], "expiresAt": 1e308}""", "expiresAt")]
    [InlineData("""{"name": "x\u0000y", "scopes": ["admin"], "expiresAt": null}""", "name")]
    [InlineData("""{"name": "x", "name": "y", "scopes": ["admin"], "expiresAt": null}""", "name")]
    [InlineData("""[1, 2]""", "body")]
    [InlineData("""{"name": "x", """, "body")]
    public async Task a_key_request_that_does_not_read_is_refused_naming_the_field_and_creates_nothing(string body, string field)
    {
        using var admin = app.CreateClient();
        using var response = await admin.PostAsync("/api/v1/keys", new StringContent(body, Encoding.UTF8, "application/json"));
        var reply = (await Reply.ReadAsync(response)).ShouldBe(HttpStatusCode.BadRequest);
        Assert.Contains(field, reply["errors"].AsObject().Select(e => e.Key));
        var listed = (await app.GetAsync("/api/v1/keys")).ShouldBe(HttpStatusCode.OK);
        Assert.DoesNotContain(listed["keys"].AsArray(), k => k!["name"]!.GetValue<string>() is "x" or "y");
    }

    [Fact]
    public async Task keys_made_on_the_command_line_work_over_http_and_are_revoked_there_too()
    {
        var created = await app.ExecuteHostCommandAsync("keys", "create", "--name", "cli-reader", "--scopes", "metrics:read");
        Assert.True(created.Code == 0, created.Error + created.Output);
        var key = created.Output.Split('\n', StringSplitOptions.TrimEntries).Single(l => l.StartsWith("csm_", StringComparison.Ordinal));
        using var reader = app.CreateClientWithKey(key);
        (await reader.GetAsync("/api/v1/arr?asOf=2024-12-31")).StatusCode.ShouldBeCode(HttpStatusCode.OK);
        (await reader.PostAsync("/api/v1/events", new StringContent("[]", Encoding.UTF8, "application/json"))).StatusCode
            .ShouldBeCode(HttpStatusCode.Forbidden);

        var listed = await app.ExecuteHostCommandAsync("keys", "list");
        Assert.Contains("cli-reader\tmetrics:read", listed.Output);
        Assert.DoesNotContain(key, listed.Output);

        Assert.NotEqual(0, (await app.ExecuteHostCommandAsync("keys", "create", "--name", "cli-reader", "--scopes", "admin")).Code);
        Assert.NotEqual(0, (await app.ExecuteHostCommandAsync("keys", "create", "--name", "other", "--scopes", "everything")).Code);
        Assert.Equal(0, (await app.ExecuteHostCommandAsync("keys", "revoke", "cli-reader")).Code);
        (await reader.GetAsync("/api/v1/arr?asOf=2024-12-31")).StatusCode.ShouldBeCode(HttpStatusCode.Unauthorized);
        Assert.NotEqual(0, (await app.ExecuteHostCommandAsync("keys", "revoke", "cli-reader")).Code);
    }
}

/// <summary>A host whose keys may read only twice a second.</summary>
public sealed class RateLimitedMetricsApp : MetricsApp
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Auth:RequestsPerSecond:Read"] = "2",
    };
}

public class RateLimitTests(RateLimitedMetricsApp app) : IClassFixture<RateLimitedMetricsApp>
{
    [Fact]
    public async Task a_key_past_its_rate_gets_429_with_retry_after_while_another_key_and_other_scopes_go_on()
    {
        using var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await client.GetAsync("/api/v1/arr?asOf=2024-12-31");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), limited.Headers.RetryAfter?.ToString());
            var reply = await Reply.ReadAsync(limited);
            Assert.Equal("application/problem+json", reply.ContentType);
            Assert.Equal(429, reply["status"].GetValue<int>());
        }

        // Writes are limited apart from reads.
        (await app.PostEventsAsync(Signed("rl-1", "rl", "rl-c1", "2024-01-15", 1_000))).ShouldBe(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        (await client.GetAsync("/api/v1/arr?asOf=2024-12-31")).StatusCode.ShouldBeCode(HttpStatusCode.OK);
    }
}

internal static class StatusAssertions
{
    public static void ShouldBeCode(this HttpStatusCode actual, HttpStatusCode expected) => Assert.Equal(expected, actual);
}
