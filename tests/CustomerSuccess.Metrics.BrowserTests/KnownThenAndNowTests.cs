using System.Globalization;
using System.Text.Json;

namespace CustomerSuccess.Metrics.BrowserTests;

/// <summary>
/// What was known then beside what is known now: the trend and the bridge asked as known before the late customer was
/// recorded, the closed months with December restated by it, and the cost of retention by category.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class KnownThenAndNowTests(DashboardHost host)
{
    [Fact]
    public async Task The_trend_as_known_before_a_late_signing_draws_arr_as_known_now_beside_it()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync($"trend?asOf=2025-12-31&period=year&from=2025-01-01&knownAt={Uri.EscapeDataString(host.BookKnownAt)}");
        var then = await host.GetAsync($"/api/v1/arr/series?from=2025-01-01&to=2025-12-31&interval=month&knownAt={Uri.EscapeDataString(host.BookKnownAt)}");
        var now = await host.GetAsync("/api/v1/arr/series?from=2025-01-01&to=2025-12-31&interval=month");

        var rows = dashboard.Page.Locator("tbody tr");
        Assert.Equal(12, await rows.CountAsync());
        for (var i = 0; i < 12; i++)
        {
            var nowArr = now.GetProperty("entries")[i].GetProperty("arr").GetDecimal();
            Assert.Equal(nowArr, await dashboard.ValueAsync(rows.Nth(i).Locator("td[data-field=arrNow]")));
        }

        var december = rows.Nth(11).Locator("td[data-field=arrNow]");
        Assert.Equal(then.GetProperty("entries")[11].GetProperty("arr").GetDecimal() + DashboardHost.LateCustomerArr, await dashboard.ValueAsync(december));
        Assert.Contains("(corrected)", await december.TextContentAsync());
        Assert.DoesNotContain("(corrected)", await rows.Nth(10).Locator("td[data-field=arrNow]").TextContentAsync());
        Assert.Contains("ARR as known now", await dashboard.Page.Locator(".chart svg").InnerHTMLAsync());
    }

    [Fact]
    public async Task The_trend_as_known_now_draws_one_line_only()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("trend?asOf=2025-12-31&period=year&from=2025-01-01");
        Assert.Equal(0, await dashboard.Page.Locator("td[data-field=arrNow]").CountAsync());
        Assert.DoesNotContain("ARR as known now", await dashboard.Page.Locator(".chart svg").InnerHTMLAsync());
    }

    [Fact]
    public async Task The_bridge_as_known_then_shows_the_closing_arr_as_known_now()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync($"bridge?asOf=2025-12-31&period=month&knownAt={Uri.EscapeDataString(host.BookKnownAt)}");
        var now = (await host.GetAsync("/api/v1/metrics/bridge?from=2025-12-01&to=2025-12-31")).GetProperty("summary");
        Assert.Equal(now.GetProperty("closingArr").GetDecimal(), await dashboard.ValueAsync(dashboard.Page.Locator("td[data-field=closingArrNow]")));
        Assert.Equal(now.GetProperty("newArr").GetDecimal(), await dashboard.ValueAsync(dashboard.Page.Locator("td[data-field=newArrNow]")));
        Assert.Equal(
            await dashboard.ValueAsync(dashboard.Page.Locator("td[data-field=closingArr]")) + DashboardHost.LateCustomerArr,
            await dashboard.ValueAsync(dashboard.Page.Locator("td[data-field=closingArrNow]")));
    }

    [Fact]
    public async Task Closed_months_show_what_was_reported_beside_what_is_known_and_the_restatement_names_the_late_event()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("closes?asOf=2025-12-31&period=year");
        var knownAt = await dashboard.AnsweredAtAsync();
        var rows = dashboard.Page.Locator("table").First.Locator("tbody tr");
        Assert.Equal(12, await rows.CountAsync());
        for (var i = 0; i < 12; i++)
        {
            var month = new DateOnly(2025, i + 1, 1).ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var row = rows.Nth(i);
            Assert.Equal(month, (await row.Locator("th").TextContentAsync())!.Trim());
            var view = await host.GetAsync($"/api/v1/periods/{month}?knownAt={Uri.EscapeDataString(knownAt)}");
            Assert.Equal(view.GetProperty("status").GetString(), await row.Locator("td[data-field=status]").GetAttributeAsync("data-value"));
            Assert.Equal(view.GetProperty("current").GetProperty("closingArr").GetDecimal(), await dashboard.ValueAsync(row.Locator("td[data-field=currentClosingArr]")));
            var reported = view.GetProperty("reported");
            Assert.Equal(reported.ValueKind == JsonValueKind.Null ? null : reported.GetProperty("closingArr").GetDecimal(),
                await dashboard.ValueAsync(row.Locator("td[data-field=reportedClosingArr]")));
        }

        Assert.Equal(2m, await dashboard.ValueAsync(dashboard.Page.Locator("[data-figure=closedMonths]")));
        Assert.Equal(1m, await dashboard.ValueAsync(dashboard.Page.Locator("[data-figure=restatedMonths]")));
        var december = rows.Nth(11);
        Assert.Equal(
            await dashboard.ValueAsync(december.Locator("td[data-field=reportedClosingArr]")) + DashboardHost.LateCustomerArr,
            await dashboard.ValueAsync(december.Locator("td[data-field=currentClosingArr]")));

        var restated = dashboard.Page.Locator("table").Nth(1).Locator("tbody tr");
        var texts = await restated.AllTextContentsAsync();
        Assert.Contains(texts, t => t.Contains("closingArr", StringComparison.Ordinal) && t.Contains("late-1", StringComparison.Ordinal));
        Assert.All(texts, t => Assert.StartsWith("2025-12", t.Trim(), StringComparison.Ordinal));

        // As known before the late customer, December is as reported: nothing is restated.
        await dashboard.GoAsync($"closes?asOf=2025-12-31&period=year&knownAt={Uri.EscapeDataString(host.BookKnownAt)}");
        Assert.Equal(0m, await dashboard.ValueAsync(dashboard.Page.Locator("[data-figure=closedMonths]")));
    }

    [Fact]
    public async Task Cost_of_retention_shows_the_api_spend_by_category_and_per_retained_customer()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("cost?asOf=2025-12-31&period=year");
        var knownAt = await dashboard.AnsweredAtAsync();
        var answer = await host.GetAsync($"/api/v1/metrics/cost-of-retention?from=2025-01-01&to=2025-12-31&knownAt={Uri.EscapeDataString(knownAt)}");
        Assert.Equal(answer.GetProperty("totalCost").GetDecimal(), await dashboard.ValueAsync(dashboard.Page.Locator("[data-figure=totalCost]")));
        Assert.Equal(Expect.Number(answer.GetProperty("costOfRetention")), await dashboard.ValueAsync(dashboard.Page.Locator("[data-figure=costOfRetention]")));
        var categories = answer.GetProperty("byCategory").EnumerateObject().ToList();
        Assert.NotEmpty(categories);
        Assert.Equal(categories.Count, await dashboard.Page.Locator("tbody tr").CountAsync());
        foreach (var category in categories)
        {
            var cell = dashboard.Page.Locator($"td[data-field={category.Name}]");
            Assert.Equal(category.Value.GetDecimal(), await dashboard.ValueAsync(cell));
            Assert.Equal(Expect.Money(category.Value.GetDecimal()), (await cell.TextContentAsync())!.Trim());
        }
    }
}
