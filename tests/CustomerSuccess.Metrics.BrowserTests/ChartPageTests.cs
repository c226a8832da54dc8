using System.Globalization;

namespace CustomerSuccess.Metrics.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class ChartPageTests(DashboardHost host)
{
    private static readonly string[] Segments = ["smb", "mid_market", "enterprise"];

    [Fact]
    public async Task The_trend_follows_the_interval_picker_and_stacks_each_segment_as_the_api_answers_it()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("trend?asOf=2025-12-31&period=year&from=2024-01-01");
        await AssertSeriesAsync(dashboard, "month", stacked: false, knownAt: await dashboard.AnsweredAtAsync());
        Assert.Equal(24, await dashboard.Page.Locator("tbody tr").CountAsync());

        await dashboard.RedrawAsync(() => dashboard.Page.SelectOptionAsync("#t-interval", "quarter"));
        await AssertSeriesAsync(dashboard, "quarter", stacked: false, knownAt: await dashboard.AnsweredAtAsync());
        Assert.Equal(8, await dashboard.Page.Locator("tbody tr").CountAsync());

        await dashboard.RedrawAsync(() => dashboard.Page.CheckAsync("#t-stacked"));
        await AssertSeriesAsync(dashboard, "quarter", stacked: true, knownAt: await dashboard.AnsweredAtAsync());
        var legend = await dashboard.Page.Locator(".chart svg").InnerHTMLAsync();
        Assert.All((string[])["SMB", "Mid-market", "Enterprise"], name => Assert.Contains(name, legend));
    }

    [Fact]
    public async Task The_bridge_waterfall_shows_the_api_bridge_of_the_period()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("bridge?asOf=2025-12-31&period=year&segment=enterprise");
        var knownAt = await dashboard.AnsweredAtAsync();
        var summary = (await host.GetAsync($"/api/v1/metrics/bridge?from=2025-01-01&to=2025-12-31&segment=enterprise&knownAt={Uri.EscapeDataString(knownAt)}"))
            .GetProperty("summary");
        var signs = new Dictionary<string, int>
        {
            ["openingArr"] = 1, ["newArr"] = 1, ["reactivationArr"] = 1, ["expansionArr"] = 1, ["contractionArr"] = -1,
            ["churnArr"] = -1, ["transferInArr"] = 1, ["transferOutArr"] = -1, ["closingArr"] = 1,
        };
        foreach (var (field, sign) in signs)
        {
            var cell = dashboard.Page.Locator($"td[data-field={field}]");
            Assert.Equal(sign * summary.GetProperty(field).GetDecimal(), await dashboard.ValueAsync(cell));
            Assert.EndsWith(Expect.Money(summary.GetProperty(field).GetDecimal()), await cell.TextContentAsync());
        }

        Assert.True(summary.GetProperty("closingArr").GetDecimal() > 0);
        Assert.Equal(1, await dashboard.Page.Locator(".chart svg").CountAsync());
    }

    [Fact]
    public async Task The_bridge_of_a_year_is_also_given_month_by_month_as_the_api_splits_it()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("bridge?asOf=2025-12-31&period=year");
        var knownAt = await dashboard.AnsweredAtAsync();
        var entries = (await host.GetAsync($"/api/v1/metrics/bridge?from=2025-01-01&to=2025-12-31&interval=month&knownAt={Uri.EscapeDataString(knownAt)}"))
            .GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal(12, entries.Length);
        foreach (var entry in entries)
        {
            var month = entry.GetProperty("from").GetString()![..7];
            foreach (var field in (string[])["openingArr", "newArr", "expansionArr", "contractionArr", "churnArr", "closingArr"])
            {
                Assert.Equal(entry.GetProperty(field).GetDecimal(),
                    await dashboard.ValueAsync(dashboard.Page.Locator($"td[data-month='{month}'][data-month-field={field}]")));
            }
        }
    }

    [Fact]
    public async Task Retention_shows_twelve_rolling_windows_each_as_the_api_answers_its_month_end()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("retention?asOf=2025-11-15&period=year&segment=smb");
        var knownAt = await dashboard.AnsweredAtAsync();
        var rows = dashboard.Page.Locator("tbody tr");
        Assert.Equal(12, await rows.CountAsync());
        var monthEnd = new DateOnly(2025, 10, 31);
        for (var i = 11; i >= 0; i--)
        {
            var row = rows.Nth(i);
            var asOf = monthEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Assert.Equal(asOf, (await row.Locator("th").TextContentAsync())!.Trim());
            var answer = await host.GetAsync($"/api/v1/metrics/retention?asOf={asOf}&segment=smb&knownAt={Uri.EscapeDataString(knownAt)}");
            foreach (var field in (string[])["grossRenewalRate", "netRenewalRate", "logoRetention"])
            {
                var cell = row.Locator($"td[data-field={field}]");
                var expected = Expect.Number(answer.GetProperty(field));
                Assert.Equal(expected, await dashboard.ValueAsync(cell));
                if (expected is { } rate)
                {
                    Expect.Percentage(rate, (await cell.TextContentAsync())!);
                }
            }

            monthEnd = new DateOnly(monthEnd.Year, monthEnd.Month, 1).AddDays(-1);
        }
    }

    private async Task AssertSeriesAsync(Dashboard dashboard, string interval, bool stacked, string knownAt)
    {
        var query = $"/api/v1/arr/series?from=2024-01-01&to=2025-12-31&interval={interval}&knownAt={Uri.EscapeDataString(knownAt)}";
        var total = (await host.GetAsync(query)).GetProperty("entries").EnumerateArray().ToArray();
        var rows = dashboard.Page.Locator("tbody tr");
        Assert.Equal(total.Length, await rows.CountAsync());
        var bySegment = new List<System.Text.Json.JsonElement[]>();
        if (stacked)
        {
            foreach (var segment in Segments)
            {
                bySegment.Add((await host.GetAsync(query + "&segment=" + segment)).GetProperty("entries").EnumerateArray().ToArray());
            }
        }

        for (var i = 0; i < total.Length; i++)
        {
            var cells = rows.Nth(i).Locator("td");
            Assert.Equal(total[i].GetProperty("date").GetString(), (await rows.Nth(i).Locator("th").TextContentAsync())!.Trim());
            Assert.Equal(total[i].GetProperty("arr").GetDecimal(), await dashboard.ValueAsync(cells.Nth(0)));
            Assert.Equal(Expect.Money(total[i].GetProperty("arr").GetDecimal()), await cells.Nth(0).TextContentAsync());
            for (var s = 0; s < bySegment.Count; s++)
            {
                Assert.Equal(bySegment[s][i].GetProperty("arr").GetDecimal(), await dashboard.ValueAsync(cells.Nth(1 + s)));
            }

            Assert.Equal(total[i].GetProperty("activeCustomers").GetDecimal(), await dashboard.ValueAsync(cells.Nth(1 + bySegment.Count)));
        }
    }
}
