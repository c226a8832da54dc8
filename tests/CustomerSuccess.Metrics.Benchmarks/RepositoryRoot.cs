namespace CustomerSuccess.Metrics.Benchmarks;

internal static class RepositoryRoot
{
    private const string SolutionFile = "CustomerSuccess.Metrics.sln";

    /// <summary>The folder holding the solution, searched upwards from the build output and then from the working directory.</summary>
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, SolutionFile)))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Could not find {SolutionFile} above {AppContext.BaseDirectory} or the working directory.");
    }
}
