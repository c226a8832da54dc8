using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;

namespace CustomerSuccess.Metrics.BrowserTests;

/// <summary>One browser page on the dashboard: opening a view, waiting for it to be drawn, and reading what it shows.</summary>
public sealed class Dashboard : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    private Dashboard(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            // A refused key is expected where a test says so; the browser reports each refused request on the console.
            if (message.Type == "error" && !(KeyRefusalsExpected && message.Text.Contains("status of 401", StringComparison.Ordinal)))
            {
                _errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => _errors.Add(error);
    }

    public IPage Page { get; }

    /// <summary>Whether requests refused for their key are part of the test, rather than faults of the page.</summary>
    public bool KeyRefusalsExpected { get; set; }

    /// <summary>A browser tab on the dashboard, handed the read key once in the address, as a link would.</summary>
    public static async Task<Dashboard> OpenAsync(DashboardHost host, int width = 1280, int height = 900)
    {
        var dashboard = await OpenWithoutKeyAsync(host, width, height);
        await dashboard.Page.GotoAsync("/#key=" + Uri.EscapeDataString(host.ReadKey));
        await dashboard.DrawnAsync(0);
        return dashboard;
    }

    /// <summary>A browser tab that has been given no key.</summary>
    public static async Task<Dashboard> OpenWithoutKeyAsync(DashboardHost host, int width = 1280, int height = 900)
    {
        var context = await host.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            AcceptDownloads = true,
        });
        return new Dashboard(context, await context.NewPageAsync());
    }

    /// <summary>Opens a view by its address (the part after <c>#/</c>) and waits until it is drawn.</summary>
    public async Task GoAsync(string route)
    {
        await Page.GotoAsync("/#/" + route);
        await Page.WaitForFunctionAsync(
            "h => { const v = document.getElementById('view'); return v.dataset.route === h && Number(v.dataset.rendered || 0) > 0 && !v.hasAttribute('aria-busy'); }",
            "#/" + route, new PageWaitForFunctionOptions { Timeout = 60_000 });
        await DrawnAsync(0);
    }

    /// <summary>Does something that redraws the view, and waits for the redraw.</summary>
    public async Task RedrawAsync(Func<Task> action)
    {
        var drawn = await Page.EvalOnSelectorAsync<int>("#view", "v => Number(v.dataset.rendered || 0)");
        await action();
        await DrawnAsync(drawn);
    }

    private async Task DrawnAsync(int after)
    {
        await Page.WaitForFunctionAsync(
            "n => { const v = document.getElementById('view'); return Number(v.dataset.rendered || 0) > n && !v.hasAttribute('aria-busy'); }",
            after, new PageWaitForFunctionOptions { Timeout = 60_000 });
        Assert.False(await Page.Locator("#problem").IsVisibleAsync(), await Page.Locator("#problem").TextContentAsync() ?? "");
        Assert.Empty(_errors);
    }

    /// <summary>The instant the view says it was answered at.</summary>
    public async Task<string> AnsweredAtAsync() =>
        await Page.Locator("#answered").GetAttributeAsync("data-known-at") ?? throw new InvalidOperationException("not answered");

    public async Task<decimal?> ValueAsync(ILocator element)
    {
        var text = await element.GetAttributeAsync("data-value");
        return string.IsNullOrEmpty(text) ? null : decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}

/// <summary>How the dashboard is expected to write the API's numbers.</summary>
public static class Expect
{
    public static decimal? Number(JsonElement element) => element.ValueKind == JsonValueKind.Null ? null : element.GetDecimal();

    /// <summary>Money: the reporting currency's sign, thousands separators, two decimals.</summary>
    public static string Money(decimal value) => "$" + Math.Abs(value).ToString("N2", CultureInfo.InvariantCulture);

    /// <summary>Asserts a rate is shown as a percentage with one decimal.</summary>
    public static void Percentage(decimal rate, string shown)
    {
        var match = System.Text.RegularExpressions.Regex.Match(shown, @"(-?[\d,]+\.\d)%");
        Assert.True(match.Success, $"no percentage with one decimal in '{shown}'");
        var percent = decimal.Parse(match.Groups[1].Value, NumberStyles.Number, CultureInfo.InvariantCulture);
        Assert.InRange(percent, rate * 100 - 0.0501m, rate * 100 + 0.0501m);
    }
}
