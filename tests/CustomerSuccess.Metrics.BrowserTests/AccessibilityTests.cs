using Deque.AxeCore.Playwright;

namespace CustomerSuccess.Metrics.BrowserTests;

[Collection(DashboardCollection.Name)]
public sealed class AccessibilityTests(DashboardHost host)
{
    public static TheoryData<string, string> Pages => new()
    {
        { "overview", "overview?asOf=2025-12-31&period=year" },
        { "trend", "trend?asOf=2025-12-31&period=year&interval=quarter&stacked=true" },
        { "bridge", "bridge?asOf=2025-12-31&period=year" },
        { "retention", "retention?asOf=2025-12-31&period=year" },
        { "cost", "cost?asOf=2025-12-31&period=year" },
        { "churn", "churn?asOf=2025-12-31&period=year" },
        { "movements", "movements?asOf=2025-12-31&period=year" },
        { "closes", "closes?asOf=2025-12-31&period=year" },
        { "health", "health?asOf=2025-12-31&period=year" },
        { "customer", $"customer/{DashboardHost.LateCustomer}?asOf=2025-12-31&period=year" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_page_is_free_of_serious_accessibility_faults_at_desktop_and_phone_widths(string name, string route)
    {
        foreach (var width in (int[])[1280, 375])
        {
            await using var dashboard = await Dashboard.OpenAsync(host, width, width > 600 ? 900 : 800);
            await dashboard.GoAsync(route);
            var results = await dashboard.Page.RunAxe();
            var serious = results.Violations.Where(v => v.Impact is "serious" or "critical").ToArray();
            Assert.True(serious.Length == 0, $"{name} at {width} px: " + string.Join("; ",
                serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));

            // Nothing wider than the window: a phone reads the page without scrolling sideways (tables scroll in their own region).
            var overflow = await dashboard.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{name} at {width} px is {overflow} px wider than the window");

            await dashboard.Page.ScreenshotAsync(new() { Path = Path.Combine(DashboardHost.Artifacts, $"{name}-{width}.png"), FullPage = true });
        }
    }
}
