using System.Text.Json;

namespace CustomerSuccess.Metrics.BrowserTests;

/// <summary>From a churn bar to the customer behind it, the movements behind the bridge a page at a time, and the green zone.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DrillDownTests(DashboardHost host)
{
    [Fact]
    public async Task A_click_on_a_churn_bar_opens_the_timeline_of_the_customer_behind_it()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("churn?asOf=2025-12-31&period=year");
        var knownAt = Uri.EscapeDataString(await dashboard.AnsweredAtAsync());
        var entries = (await host.GetAsync($"/api/v1/audit/churn?from=2025-01-01&to=2025-12-31&knownAt={knownAt}")).GetProperty("entries").EnumerateArray()
            .Select((e, order) => (Id: e.GetProperty("customerId").GetString()!, Lost: e.GetProperty("arrLost").GetDecimal(), Order: order))
            .OrderByDescending(e => e.Lost).ThenBy(e => e.Order).Take(10).Select(e => e.Id).ToList();
        var bars = JsonSerializer.Deserialize<string[]>((await dashboard.Page.Locator(".chart").GetAttributeAsync("data-bars"))!)!;
        Assert.Equal(entries, bars);

        // The middle of the first bar, where ECharts drew it.
        var point = await dashboard.Page.EvaluateAsync<double[]>("""
            () => {
              const box = document.querySelector('.chart');
              const chart = echarts.getInstanceByDom(box);
              const value = chart.getOption().series[0].data[0].value;
              const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [value / 2, 0]);
              const r = box.getBoundingClientRect();
              return [r.left + x, r.top + y];
            }
            """);
        await dashboard.RedrawAsync(() => dashboard.Page.Mouse.ClickAsync((float)point[0], (float)point[1]));

        Assert.Contains("#/customer/" + Uri.EscapeDataString(bars[0]), dashboard.Page.Url);
        var timeline = await host.GetAsync($"/api/v1/customers/{Uri.EscapeDataString(bars[0])}/timeline?knownAt={knownAt}");
        var days = timeline.GetProperty("days").EnumerateArray().ToArray();
        Assert.Equal(days.Length, await dashboard.Page.Locator("table").Nth(1).Locator("tbody tr").CountAsync());
    }

    [Fact]
    public async Task Movements_are_listed_a_page_at_a_time_as_the_api_pages_them_and_filtered_by_kind()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("movements?asOf=2025-12-31&period=year&size=10");
        var knownAt = Uri.EscapeDataString(await dashboard.AnsweredAtAsync());
        var first = await host.GetAsync($"/api/v1/audit/movements?from=2025-01-01&to=2025-12-31&knownAt={knownAt}&limit=10&offset=0");
        var second = await host.GetAsync($"/api/v1/audit/movements?from=2025-01-01&to=2025-12-31&knownAt={knownAt}&limit=10&offset=10");
        Assert.True(first.GetProperty("total").GetInt32() > 10);
        await AssertRowsAsync(dashboard, first);

        await dashboard.RedrawAsync(() => dashboard.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Next page" }).ClickAsync());
        await AssertRowsAsync(dashboard, second);

        await dashboard.RedrawAsync(() => dashboard.Page.SelectOptionAsync("#m-kind", "expansion"));
        var expansions = await host.GetAsync($"/api/v1/audit/movements?from=2025-01-01&to=2025-12-31&knownAt={knownAt}&kind=expansion&limit=10&offset=0");
        await AssertRowsAsync(dashboard, expansions);
        Assert.Contains($"({expansions.GetProperty("total").GetInt32()} movements)", await dashboard.Page.Locator("[data-pager]").TextContentAsync());
    }

    private static async Task AssertRowsAsync(Dashboard dashboard, JsonElement page)
    {
        var movements = page.GetProperty("movements").EnumerateArray().ToArray();
        var rows = dashboard.Page.Locator("tbody tr");
        Assert.Equal(movements.Length, await rows.CountAsync());
        for (var i = 0; i < movements.Length; i++)
        {
            Assert.Equal(movements[i].GetProperty("customerId").GetString(), await rows.Nth(i).Locator("a").TextContentAsync());
            Assert.Equal(movements[i].GetProperty("kind").GetString(), await rows.Nth(i).Locator("td[data-kind]").GetAttributeAsync("data-kind"));
            Assert.Equal(movements[i].GetProperty("amount").GetDecimal(), await dashboard.ValueAsync(rows.Nth(i).Locator("td[data-value]")));
        }
    }

    [Fact]
    public async Task The_green_zone_marks_each_segment_whose_arr_rose_in_each_of_the_last_three_months()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("overview?asOf=2025-12-31&period=year");
        var knownAt = Uri.EscapeDataString(await dashboard.AnsweredAtAsync());
        foreach (var segment in (string[])["", "smb", "mid_market", "enterprise"])
        {
            var series = await host.GetAsync($"/api/v1/arr/series?from=2025-09-01&to=2025-12-31&interval=month&knownAt={knownAt}" +
                                             (segment.Length == 0 ? "" : "&segment=" + segment));
            var arr = series.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("arr").GetDecimal()).ToArray();
            Assert.Equal(4, arr.Length);
            var green = arr[1] > arr[0] && arr[2] > arr[1] && arr[3] > arr[2];
            var cell = dashboard.Page.Locator($"td[data-zone={(segment.Length == 0 ? "book" : segment)}]");
            Assert.Equal(green ? 1m : 0m, await dashboard.ValueAsync(cell));
            Assert.Equal(green ? "Green zone: up every month" : "Not up every month", (await cell.TextContentAsync())!.Trim());
        }

        Assert.Equal(4, await dashboard.Page.Locator("td[data-zone]").CountAsync());
    }
}
