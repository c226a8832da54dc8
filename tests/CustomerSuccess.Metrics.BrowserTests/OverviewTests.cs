using System.Globalization;
using System.Text.Json;

namespace CustomerSuccess.Metrics.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class OverviewTests(DashboardHost host)
{
    [Fact]
    public async Task The_cards_show_the_api_figures_and_follow_the_segment_as_of_and_known_at_pickers()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("overview?asOf=2025-12-31&period=year");
        await AssertCardsAsync(dashboard, "2025-12-31", "2025-01-01", "2024-12-31", "2024-01-01", segment: null, knownAt: await dashboard.AnsweredAtAsync());

        await dashboard.RedrawAsync(() => dashboard.Page.SelectOptionAsync("#f-segment", "mid_market"));
        await AssertCardsAsync(dashboard, "2025-12-31", "2025-01-01", "2024-12-31", "2024-01-01", "mid_market", await dashboard.AnsweredAtAsync());

        await dashboard.RedrawAsync(() => dashboard.Page.SelectOptionAsync("#f-period", "quarter"));
        await dashboard.RedrawAsync(() => dashboard.Page.FillAsync("#f-asof", "2025-06-30"));
        await AssertCardsAsync(dashboard, "2025-06-30", "2025-04-01", "2025-03-31", "2025-01-01", "mid_market", await dashboard.AnsweredAtAsync());

        // As known before the late customer was recorded, the whole book's ARR at 2025-12-31 is that customer's less.
        await dashboard.RedrawAsync(() => dashboard.Page.SelectOptionAsync("#f-segment", ""));
        await dashboard.RedrawAsync(() => dashboard.Page.SelectOptionAsync("#f-period", "year"));
        await dashboard.RedrawAsync(() => dashboard.Page.FillAsync("#f-asof", "2025-12-31"));
        var arrNow = await dashboard.ValueAsync(dashboard.Page.Locator("[data-figure=arr]"));
        await dashboard.RedrawAsync(async () =>
        {
            await dashboard.Page.FillAsync("#f-knownat", host.BookKnownAt);
            await dashboard.Page.PressAsync("#f-knownat", "Enter");
        });
        Assert.Equal(host.BookKnownAt, await dashboard.AnsweredAtAsync());
        Assert.Contains("knownAt=" + Uri.EscapeDataString(host.BookKnownAt), dashboard.Page.Url);
        await AssertCardsAsync(dashboard, "2025-12-31", "2025-01-01", "2024-12-31", "2024-01-01", null, host.BookKnownAt);
        Assert.Equal(arrNow - DashboardHost.LateCustomerArr, await dashboard.ValueAsync(dashboard.Page.Locator("[data-figure=arr]")));
    }

    [Fact]
    public async Task The_known_at_picker_offers_the_recorded_instants()
    {
        await using var dashboard = await Dashboard.OpenAsync(host);
        await dashboard.GoAsync("overview?asOf=2025-12-31");
        var offered = await dashboard.Page.Locator("#f-knownat-instants option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)");
        var knowledge = await host.GetAsync("/api/v1/knowledge");
        var recorded = knowledge.GetProperty("instants").EnumerateArray().Select(i => i.GetProperty("recordedAt").GetString()!).Reverse().ToArray();
        Assert.Equal(recorded, offered);
        Assert.Contains(host.BookKnownAt, offered);
    }

    private async Task AssertCardsAsync(
        Dashboard dashboard, string to, string from, string previousTo, string previousFrom, string? segment, string knownAt)
    {
        var query = $"&knownAt={Uri.EscapeDataString(knownAt)}" + (segment is null ? "" : $"&segment={segment}");
        var arr = await host.GetAsync($"/api/v1/arr?asOf={to}{query}");
        var previousArr = await host.GetAsync($"/api/v1/arr?asOf={previousTo}{query}");
        var retention = await host.GetAsync($"/api/v1/metrics/retention?from={from}&to={to}{query}");
        var previousRetention = await host.GetAsync($"/api/v1/metrics/retention?from={previousFrom}&to={previousTo}{query}");
        var cost = await host.GetAsync($"/api/v1/metrics/cost-of-retention?from={from}&to={to}{query}");
        var previousCost = await host.GetAsync($"/api/v1/metrics/cost-of-retention?from={previousFrom}&to={previousTo}{query}");

        await CardAsync(dashboard, "arr", arr, previousArr, Kind.Money);
        await CardAsync(dashboard, "mrr", arr, previousArr, Kind.Money);
        await CardAsync(dashboard, "activeCustomers", arr, previousArr, Kind.Count);
        await CardAsync(dashboard, "netRenewalRate", retention, previousRetention, Kind.Rate);
        await CardAsync(dashboard, "grossRenewalRate", retention, previousRetention, Kind.Rate);
        await CardAsync(dashboard, "logoRetention", retention, previousRetention, Kind.Rate);
        await CardAsync(dashboard, "quickRatio", retention, previousRetention, Kind.Ratio);
        await CardAsync(dashboard, "costOfRetention", cost, previousCost, Kind.Money);
        Assert.True(arr.GetProperty("arr").GetDecimal() > 0, "the book has ARR at every date the test asks for");
    }

    private enum Kind { Money, Count, Rate, Ratio }

    private static async Task CardAsync(Dashboard dashboard, string field, JsonElement now, JsonElement before, Kind kind)
    {
        var card = dashboard.Page.Locator($"[data-figure={field}]");
        var expected = Expect.Number(now.GetProperty(field));
        var previous = Expect.Number(before.GetProperty(field));
        Assert.Equal(expected, await dashboard.ValueAsync(card));
        var shownPrevious = await card.GetAttributeAsync("data-previous");
        Assert.Equal(previous, string.IsNullOrEmpty(shownPrevious) ? null : decimal.Parse(shownPrevious, NumberStyles.Float, CultureInfo.InvariantCulture));
        var shown = await card.Locator(".value").TextContentAsync() ?? "";
        switch (kind)
        {
            case Kind.Money when expected is { } money:
                Assert.Equal(Expect.Money(money), shown);
                break;
            case Kind.Count when expected is { } number:
                Assert.Equal(number.ToString("N0", CultureInfo.InvariantCulture), shown);
                break;
            case Kind.Rate when expected is { } rate:
                Expect.Percentage(rate, shown);
                break;
            case Kind.Ratio when expected is { } ratio:
                Assert.Equal(ratio.ToString("N2", CultureInfo.InvariantCulture) + "×", shown);
                break;
            default:
                Assert.Equal("—", shown);
                break;
        }

        if (expected is { } a && previous is { } b)
        {
            var change = await card.Locator("[data-change]").GetAttributeAsync("data-change");
            Assert.Equal((double)(a - b), double.Parse(change!, CultureInfo.InvariantCulture), 6);
        }
    }
}
