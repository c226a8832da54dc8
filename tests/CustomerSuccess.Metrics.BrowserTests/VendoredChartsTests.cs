using System.Text.Json;
using System.Text.RegularExpressions;

namespace CustomerSuccess.Metrics.BrowserTests;

/// <summary>
/// The committed copy of Apache ECharts in the host's wwwroot is the version pinned in dashboard/package.json and
/// package-lock.json, with its licence files. dashboard/vendor.sh --check also compares it byte for byte with the
/// pinned package (it needs npm and the registry; .ci/run runs it where npm is installed).
/// </summary>
public sealed class VendoredChartsTests
{
    private static readonly string Root = FindRoot();
    private static readonly string Vendor = Path.Combine(Root, "src", "CustomerSuccess.Metrics.Api", "wwwroot", "vendor", "echarts");

    [Fact]
    public void The_committed_echarts_is_the_pinned_version_with_its_licences()
    {
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "dashboard", "package.json")));
        var pinned = package.RootElement.GetProperty("dependencies").GetProperty("echarts").GetString()!;
        Assert.Matches(@"^\d+\.\d+\.\d+$", pinned);
        using var lockFile = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "dashboard", "package-lock.json")));
        Assert.Equal(pinned, lockFile.RootElement.GetProperty("packages").GetProperty("node_modules/echarts").GetProperty("version").GetString());

        var script = File.ReadAllText(Path.Combine(Vendor, "echarts.min.js"));
        var versions = Regex.Matches(script, @"version=""(\d+\.\d+\.\d+)""").Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.Contains(pinned, versions);
        Assert.StartsWith("/*\n* Licensed to the Apache Software Foundation", script.Replace("\r\n", "\n").TrimStart());

        Assert.Contains("Apache License", File.ReadAllText(Path.Combine(Vendor, "LICENSE")));
        Assert.Contains("Apache ECharts", File.ReadAllText(Path.Combine(Vendor, "NOTICE")));
        Assert.Contains("BSD", File.ReadAllText(Path.Combine(Vendor, "LICENSE-zrender")));
        Assert.Contains("Permission to use", File.ReadAllText(Path.Combine(Vendor, "LICENSE-tslib")));
        Assert.Contains("Mike Bostock", File.ReadAllText(Path.Combine(Vendor, "LICENSE-d3")));
    }

    [Fact]
    public void The_dashboard_loads_only_files_the_host_serves()
    {
        var page = File.ReadAllText(Path.Combine(Root, "src", "CustomerSuccess.Metrics.Api", "wwwroot", "index.html"));
        var sources = Regex.Matches(page, @"(?:src|href)=""([^""#]+)""").Select(m => m.Groups[1].Value).Where(s => s != "data:,").ToArray();
        Assert.NotEmpty(sources);
        Assert.All(sources, source =>
        {
            Assert.DoesNotContain("//", source);
            Assert.True(File.Exists(Path.Combine(Root, "src", "CustomerSuccess.Metrics.Api", "wwwroot", source)), source);
        });
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "CustomerSuccess.Metrics.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (CustomerSuccess.Metrics.sln) is not above the test folder.");
    }
}
