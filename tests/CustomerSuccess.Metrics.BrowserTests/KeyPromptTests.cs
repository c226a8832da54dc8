using System.Net;
using Microsoft.Playwright;

namespace CustomerSuccess.Metrics.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class KeyPromptTests(DashboardHost host)
{
    [Fact]
    public async Task Without_a_key_the_dashboard_asks_for_one_and_shows_the_figures_once_a_read_key_is_entered()
    {
        await using var dashboard = await Dashboard.OpenWithoutKeyAsync(host);
        dashboard.KeyRefusalsExpected = true;
        await dashboard.Page.GotoAsync("/#/overview?asOf=2025-12-31&period=year");
        var prompt = dashboard.Page.Locator("#key-form");
        await prompt.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        Assert.Equal(0, await dashboard.Page.Locator("[data-figure=arr]").CountAsync());

        // A wrong key is refused and asked for again; the page never shows a key.
        await dashboard.RedrawAsync(async () =>
        {
            await dashboard.Page.FillAsync("#f-apikey", "csm_0000000000000000_not-a-key");
            await dashboard.Page.ClickAsync("#key-form button[type=submit]");
        });
        Assert.True(await prompt.IsVisibleAsync());
        Assert.Contains("not accepted", await dashboard.Page.Locator("#key-message").TextContentAsync());

        await dashboard.RedrawAsync(async () =>
        {
            await dashboard.Page.FillAsync("#f-apikey", host.ReadKey);
            await dashboard.Page.ClickAsync("#key-form button[type=submit]");
        });
        Assert.False(await prompt.IsVisibleAsync());
        var arr = await host.GetAsync("/api/v1/arr?asOf=2025-12-31&knownAt=" + Uri.EscapeDataString(await dashboard.AnsweredAtAsync()));
        Assert.Equal(arr.GetProperty("arr").GetDecimal(), await dashboard.ValueAsync(dashboard.Page.Locator("[data-figure=arr]")));
        Assert.DoesNotContain(host.ReadKey, await dashboard.Page.ContentAsync());
        Assert.DoesNotContain(host.ReadKey, dashboard.Page.Url);
    }

    [Fact]
    public async Task A_key_handed_over_in_the_address_is_kept_for_the_tab_and_taken_out_of_the_address()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        Assert.DoesNotContain("key=", dashboard.Page.Url);
        Assert.DoesNotContain(host.ReadKey, await dashboard.Page.ContentAsync());
        Assert.False(await dashboard.Page.Locator("#key-form").IsVisibleAsync());
        await dashboard.GoAsync("bridge?asOf=2025-12-31&period=year");

        // The read key opens the figures only: it may neither send events nor manage keys.
        using var client = new HttpClient { BaseAddress = host.BaseAddress };
        client.DefaultRequestHeaders.Add("X-Api-Key", host.ReadKey);
        using var write = await client.PostAsync("/api/v1/events", new StringContent("[]", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        using var keys = await client.GetAsync("/api/v1/keys");
        Assert.Equal(HttpStatusCode.Forbidden, keys.StatusCode);
    }
}
