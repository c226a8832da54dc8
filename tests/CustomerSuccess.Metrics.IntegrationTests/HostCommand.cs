using System.Diagnostics;

namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>The API host's own command line, as an operator runs it: the built host in a process of its own.</summary>
internal static class HostCommand
{
    /// <summary>Runs the host with the given arguments to completion; fails the test unless it exits with 0. Returns its output.</summary>
    /// <param name="workingDirectory">Also the host's content root.</param>
    public static async Task<string> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var exit = await ExecuteAsync(workingDirectory, environment, arguments);
        Assert.True(exit.Code == 0, $"{string.Join(' ', arguments)}: exit {exit.Code}: {exit.Error}{exit.Output}");
        return exit.Output;
    }

    /// <summary>Runs the host with the given arguments to completion, whatever it exits with.</summary>
    /// <param name="workingDirectory">Also the host's content root.</param>
    public static async Task<HostExit> ExecuteAsync(
        string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(workingDirectory, environment, arguments))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        return new HostExit(process.ExitCode, await output, await error);
    }

    /// <summary>How to start the built host from this test run's output folder, its output and errors redirected.</summary>
    public static ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        // The host's command line loads every assembly in its folder, and this folder also holds the test
        // assembly, whose TestRun attribute names a type in xunit.core: with the test run's dependency list the
        // host can resolve it. The host's own assemblies are the same either way.
        var depsFile = Path.Combine(AppContext.BaseDirectory, $"{typeof(HostCommand).Assembly.GetName().Name}.deps.json");
        foreach (var argument in (string[])["exec", "--depsfile", depsFile, Path.Combine(AppContext.BaseDirectory, "CustomerSuccess.Metrics.Api.dll")])
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return info;
    }
}

/// <summary>How a run of the host's command line ended: its exit code and what it wrote to standard output and error.</summary>
public sealed record HostExit(int Code, string Output, string Error);
