using System.Globalization;
using System.Net;
using System.Text;
using CustomerSuccess.Metrics.Api.Hosting;
using static CustomerSuccess.Metrics.IntegrationTests.Events;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>The engine's counters, read from the Prometheus scrape endpoint as a monitoring system would.</summary>
public class TelemetryTests(MetricsApp app) : IClassFixture<MetricsApp>
{
    private async Task<string> ScrapeAsync()
    {
        using var client = app.CreateClient();
        return await client.GetStringAsync(ApiSurface.MetricsPath);
    }

    /// <summary>The sum of a series' samples whose labels include every one given.</summary>
    private static double Sample(string scrape, string series, params string[] labels) =>
        scrape.Split('\n')
            .Where(line => line.StartsWith(series + "{", StringComparison.Ordinal) && labels.All(line.Contains))
            .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    [Fact]
    public async Task recordings_refusals_duplicates_and_figure_latency_are_counted()
    {
        var before = await ScrapeAsync();
        var batch = Batch(Signed("tm-1", "tm", "tm-c1", "2024-01-15", 1_000), Upsold("tm-2", "tm", "tm-c1", "2024-02-01", 500));
        (await app.PostEventsAsync(batch)).ShouldBe(HttpStatusCode.OK);
        (await app.PostEventsAsync(batch)).ShouldBe(HttpStatusCode.OK);
        using (var client = app.CreateClient())
        {
            using var plain = await client.PostAsync("/api/v1/events", new StringContent(batch, Encoding.UTF8, "text/plain"));
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, plain.StatusCode);
        }

        (await app.PostEventsAsync(Upsold("tm-3", "tm", "tm-unknown", "2024-03-01", 1))).ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await app.GetAsync("/api/v1/arr?asOf=2024-12-31")).ShouldBe(HttpStatusCode.OK);

        var after = await ScrapeAsync();
        double Grew(string series, params string[] labels) => Sample(after, series, labels) - Sample(before, series, labels);
        Assert.True(Grew("csm_events_recorded_total", "type=\"contract.signed\"") >= 1, after);
        Assert.True(Grew("csm_events_recorded_total", "type=\"contract.upsold\"") >= 1, after);
        Assert.True(Grew("csm_events_duplicates_total") >= 2, after);
        Assert.True(Grew("csm_requests_refused_total", "status=\"415\"", "rule=\"content_type\"") >= 1, after);
        Assert.True(Grew("csm_requests_refused_total", "status=\"422\"") >= 1, after);
        Assert.True(Grew("csm_figure_duration_seconds_count", "figure=\"/api/v1/arr\"") >= 1, after);
        Assert.True(Grew("csm_projection_events_total", "path=\"write\"") >= 2, after);
    }
}
