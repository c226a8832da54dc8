namespace CustomerSuccess.Metrics.IntegrationTests;

/// <summary>
/// The host generates no code at run time (TypeLoadMode.Static): it serves exactly the endpoints whose adapters are
/// committed in Internal/Generated, so those files must be what <c>codegen write</c> makes of the sources now.
/// </summary>
public class GeneratedCodeTests
{
    private const string GeneratedFolder = "src/CustomerSuccess.Metrics.Api/Internal/Generated";

    private const string Regenerate =
        $"rm -rf {GeneratedFolder} && dotnet run --project src/CustomerSuccess.Metrics.Api -- codegen write";

    [Fact]
    public async Task the_committed_generated_code_is_what_codegen_write_makes_of_the_endpoints_now()
    {
        var contentRoot = Directory.CreateTempSubdirectory("csm-codegen-");
        try
        {
            // The host writes into Internal/Generated under its content root, its working directory.
            await HostCommand.RunAsync(contentRoot.FullName, new Dictionary<string, string>
            {
                ["ConnectionStrings__Marten"] = TestDatabase.ConnectionString,
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["DOTNET_ENVIRONMENT"] = "Production",
            }, "codegen", "write");

            var generated = ReadFiles(Path.Combine(contentRoot.FullName, "Internal", "Generated"));
            var committed = ReadFiles(Path.Combine(RepositoryRoot(), GeneratedFolder));
            Assert.NotEmpty(generated);

            var stale = generated.Keys.Union(committed.Keys).Order(StringComparer.Ordinal)
                .Select(file => (committed.TryGetValue(file, out var was), generated.TryGetValue(file, out var now)) switch
                {
                    (false, _) => $"{file} is missing",
                    (_, false) => $"{file} is no longer generated",
                    _ when was != now => $"{file} differs",
                    _ => null,
                })
                .OfType<string>()
                .ToList();
            Assert.True(stale.Count == 0,
                $"The generated code in {GeneratedFolder} is stale ({string.Join("; ", stale)}). " +
                $"The host only serves endpoints whose code is generated there. From the repository root run\n  {Regenerate}\n" +
                "and commit the folder.");
        }
        finally
        {
            contentRoot.Delete(recursive: true);
        }
    }

    /// <summary>Every file under the folder, by its path relative to it, with its line endings made \n.</summary>
    private static Dictionary<string, string> ReadFiles(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToDictionary(
                file => Path.GetRelativePath(folder, file).Replace('\\', '/'),
                file => File.ReadAllText(file).ReplaceLineEndings("\n"))
            : [];

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CustomerSuccess.Metrics.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CustomerSuccess.Metrics.sln above {AppContext.BaseDirectory}.");
    }
}
