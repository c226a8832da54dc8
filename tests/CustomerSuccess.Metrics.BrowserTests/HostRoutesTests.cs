using System.Net;

namespace CustomerSuccess.Metrics.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class HostRoutesTests(DashboardHost host)
{
    [Fact]
    public async Task The_root_serves_the_dashboard_and_the_other_routes_still_answer()
    {
        using var root = await host.Api.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("text/html", root.Content.Headers.ContentType?.MediaType);
        Assert.Contains("dashboard.js", await root.Content.ReadAsStringAsync());

        foreach (var path in (string[])["/api/v1/arr?asOf=2025-12-31", "/openapi/v1.json", "/docs", "/health/live", "/health/ready", "/metrics"])
        {
            using var response = await host.Api.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
            Assert.NotEqual("text/html", path == "/docs" ? null : response.Content.Headers.ContentType?.MediaType);
        }

        using var missing = await host.Api.GetAsync("/api/v1/no-such-figure");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
