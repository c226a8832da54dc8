namespace CustomerSuccess.Metrics.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class HealthPageTests(DashboardHost host)
{
    [Fact]
    public async Task Customer_health_shows_the_api_nps_csat_bands_and_lowest_scores()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("health?asOf=2025-12-31&period=year");
        var knownAt = Uri.EscapeDataString(await dashboard.AnsweredAtAsync());
        var nps = await host.GetAsync($"/api/v1/signals/nps?from=2025-01-01&to=2025-12-31&knownAt={knownAt}");
        var csat = await host.GetAsync($"/api/v1/signals/csat?from=2025-01-01&to=2025-12-31&knownAt={knownAt}");
        var scores = await host.GetAsync($"/api/v1/health-scores?asOf=2025-12-31&limit=20&knownAt={knownAt}");

        // The sample book answers surveys all year: the figures are there to show.
        Assert.True(nps.GetProperty("responses").GetInt32() > 0);
        Assert.Equal(nps.GetProperty("nps").GetDecimal(), await dashboard.ValueAsync(dashboard.Page.Locator("[data-figure=nps]")));
        Assert.Equal(csat.GetProperty("csat").GetDecimal(), await dashboard.ValueAsync(dashboard.Page.Locator("[data-figure=csat]")));
        var distribution = scores.GetProperty("distribution");
        foreach (var band in (string[])["red", "yellow", "green"])
        {
            Assert.Equal(distribution.GetProperty(band).GetInt32(), await dashboard.ValueAsync(dashboard.Page.Locator($"[data-figure={band}]")));
        }

        var listed = scores.GetProperty("customers").EnumerateArray().ToList();
        Assert.NotEmpty(listed);
        var cells = dashboard.Page.Locator("td[data-field=score]");
        Assert.Equal(listed.Count, await cells.CountAsync());
        for (var i = 0; i < listed.Count; i++)
        {
            Assert.Equal(listed[i].GetProperty("score").GetDecimal(), await dashboard.ValueAsync(cells.Nth(i)));
        }
    }
}
