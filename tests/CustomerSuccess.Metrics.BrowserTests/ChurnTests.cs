using CustomerSuccess.Metrics.IntegrationTests;
using System.Globalization;
using System.Text.Json;

namespace CustomerSuccess.Metrics.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class ChurnTests(DashboardHost host)
{
    private const int PageSize = 10;

    [Fact]
    public async Task The_churn_table_pages_and_sorts_the_api_entries()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("churn?asOf=2025-12-31&period=year");
        Assert.Equal(Math.Min(20, (await EntriesAsync(await dashboard.AnsweredAtAsync())).Length), await dashboard.Page.Locator("tbody tr").CountAsync());
        await dashboard.RedrawAsync(() => dashboard.Page.SelectOptionAsync("#c-size", PageSize.ToString(CultureInfo.InvariantCulture)));
        var entries = await EntriesAsync(await dashboard.AnsweredAtAsync());
        Assert.True(entries.Length > PageSize, $"the book has more churn than one page ({entries.Length})");
        var rows = dashboard.Page.Locator("tbody tr");
        Assert.Equal(PageSize, await rows.CountAsync());
        Assert.Equal(entries[0].GetProperty("customerId").GetString(), await rows.Nth(0).Locator("a").TextContentAsync());

        await dashboard.RedrawAsync(() => dashboard.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Next page" }).ClickAsync());
        Assert.Equal(Math.Min(PageSize, entries.Length - PageSize), await rows.CountAsync());
        Assert.Equal(entries[PageSize].GetProperty("customerId").GetString(), await rows.Nth(0).Locator("a").TextContentAsync());

        await dashboard.RedrawAsync(() => dashboard.Page.ClickAsync("button[data-sort=arrLost]"));
        await dashboard.RedrawAsync(() => dashboard.Page.ClickAsync("button[data-sort=arrLost]"));
        Assert.Equal("descending", await dashboard.Page.Locator("th[aria-sort]").GetAttributeAsync("aria-sort"));
        var largest = entries.Max(e => e.GetProperty("arrLost").GetDecimal());
        Assert.Equal(largest, await dashboard.ValueAsync(rows.Nth(0).Locator("td[data-value]")));
        Assert.Equal(Expect.Money(largest), await rows.Nth(0).Locator("td[data-value]").TextContentAsync());
    }

    [Fact]
    public async Task A_churn_row_leads_to_its_customer_with_status_contracts_days_and_history()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("churn?asOf=2025-12-31&period=year");
        var knownAt = Uri.EscapeDataString(await dashboard.AnsweredAtAsync());
        var customerId = (await dashboard.Page.Locator("tbody tr a").First.TextContentAsync())!;
        await dashboard.RedrawAsync(() => dashboard.Page.Locator("tbody tr a").First.ClickAsync());

        Assert.Contains("#/customer/" + customerId, dashboard.Page.Url);
        var customer = await host.GetAsync($"/api/v1/customers/{customerId}?asOf=2025-12-31&knownAt={knownAt}");
        var history = await host.GetAsync($"/api/v1/customers/{customerId}/events?knownAt={knownAt}");
        var timeline = await host.GetAsync($"/api/v1/customers/{customerId}/timeline?knownAt={knownAt}");
        Assert.Equal(customer.GetProperty("status").GetString(), await dashboard.Page.Locator("dd[data-field=status]").TextContentAsync());
        Assert.Equal(customer.GetProperty("arr").GetDecimal(), await dashboard.ValueAsync(dashboard.Page.Locator("dd[data-field=arr]")));
        Assert.Equal(Expect.Money(customer.GetProperty("arr").GetDecimal()), await dashboard.Page.Locator("dd[data-field=arr]").TextContentAsync());
        var tables = dashboard.Page.Locator("table");
        Assert.Equal(customer.GetProperty("contracts").GetArrayLength(), await tables.Nth(0).Locator("tbody tr").CountAsync());
        var days = timeline.GetProperty("days").EnumerateArray().ToArray();
        var dayRows = tables.Nth(1).Locator("tbody tr");
        Assert.Equal(days.Length, await dayRows.CountAsync());
        Assert.Equal(days[^1].GetProperty("date").GetString(), (await dayRows.Last.Locator("th").TextContentAsync())!.Trim());
        Assert.Equal(days[^1].GetProperty("arrAfter").GetDecimal(), await dashboard.ValueAsync(dayRows.Last.Locator("td[data-value]")));
        Assert.Equal(Expect.Money(days[^1].GetProperty("arrAfter").GetDecimal()), await dayRows.Last.Locator("td[data-value]").TextContentAsync());
        var events = history.GetProperty("events").EnumerateArray().ToArray();
        Assert.Equal(events.Length, await tables.Nth(2).Locator("tbody tr").CountAsync());
        for (var i = 0; i < events.Length; i++)
        {
            var row = tables.Nth(2).Locator("tbody tr").Nth(i);
            Assert.Equal(events[i].GetProperty("eventId").GetString(), (await row.Locator("th").TextContentAsync())!.Trim());
            Assert.Equal(events[i].GetProperty("arrAfter").GetDecimal(), await dashboard.ValueAsync(row.Locator("td[data-value]")));
        }

        Assert.Equal(1, await dashboard.Page.Locator(".chart svg").CountAsync());
    }

    [Fact]
    public async Task The_churn_csv_holds_every_entry_and_adds_up_to_the_api_total()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("churn?asOf=2025-12-31&period=year&segment=smb");
        var knownAt = await dashboard.AnsweredAtAsync();
        var answer = await host.GetAsync($"/api/v1/audit/churn?from=2025-01-01&to=2025-12-31&segment=smb&knownAt={Uri.EscapeDataString(knownAt)}");
        var download = await dashboard.Page.RunAndWaitForDownloadAsync(() => dashboard.Page.ClickAsync("button[data-csv]"));
        var path = Path.Combine(DashboardHost.Artifacts, download.SuggestedFilename);
        await download.SaveAsAsync(path);
        var records = Rfc4180.Parse(await File.ReadAllTextAsync(path));
        var header = records[0];
        Assert.Equal(["kind", "customerId", "contractId", "churnDate", "segment", "arrLost", "currency", "reason", "reactivatedOn"], header);
        var rows = records.Skip(1).ToArray();
        var entries = answer.GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal(entries.Length, rows.Length);
        Assert.Equal(entries.Select(e => e.GetProperty("customerId").GetString()), rows.Select(r => r[1]));
        var logoLost = rows.Where(r => r[0] == "logo").Sum(r => decimal.Parse(r[5], NumberStyles.Float, CultureInfo.InvariantCulture));
        Assert.Equal(answer.GetProperty("totalArrLost").GetDecimal(), logoLost);
        Assert.All(rows, r => Assert.Equal("smb", r[4]));
    }

    private async Task<JsonElement[]> EntriesAsync(string knownAt) =>
        (await host.GetAsync($"/api/v1/audit/churn?from=2025-01-01&to=2025-12-31&knownAt={Uri.EscapeDataString(knownAt)}"))
        .GetProperty("entries").EnumerateArray().ToArray();
}
