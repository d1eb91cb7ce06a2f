using Microsoft.Extensions.Configuration;
using RecEngine.Hosting;

namespace RecEngine.Tests.Hosting;

public sealed class AppSettingsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", "appsettings-" + Guid.NewGuid().ToString("N"));

    public AppSettingsTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "repo"));
        Directory.CreateDirectory(Path.Combine(_root, "bin"));
        File.WriteAllText(Path.Combine(_root, "bin", "appsettings.json"), """{ "RecEngine": { "DataDir": "from-shipped", "AdminApiKey": "shipped" } }""");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void TheShippedAppSettingsApplyWhenTheWorkingDirectoryHasNoneAndEverythingElseOverridesThem()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["RecEngine:AdminApiKey"] = "from-environment" });
        configuration.AddShippedAppSettings(Path.Combine(_root, "repo"), Path.Combine(_root, "bin"));

        Assert.Equal("from-shipped", configuration["RecEngine:DataDir"]);
        Assert.Equal("from-environment", configuration["RecEngine:AdminApiKey"]);
    }

    [Fact]
    public void AnAppSettingsFileInTheWorkingDirectoryWins()
    {
        File.WriteAllText(Path.Combine(_root, "repo", "appsettings.json"), """{ "RecEngine": { "DataDir": "from-content-root" } }""");
        var configuration = new ConfigurationManager();
        configuration.AddShippedAppSettings(Path.Combine(_root, "repo"), Path.Combine(_root, "bin"));
        Assert.Null(configuration["RecEngine:DataDir"]);
    }

    [Fact]
    public void DotnetRunFromTheRepositoryRootUsesTheTopLevelDataFolder()
    {
        // `dotnet run --project RecEngine` starts in RunWorkingDirectory: the repository root, where data/ is.
        var project = File.ReadAllText(Path.Combine(Integration.OpenApiTests.RepositoryRoot(), "RecEngine", "RecEngine.csproj"));
        Assert.Contains("<RunWorkingDirectory>$(MSBuildProjectDirectory)/..</RunWorkingDirectory>", project, StringComparison.Ordinal);
        Assert.Equal("data/local", new RecEngineOptions().DataDir);
        var root = Integration.OpenApiTests.RepositoryRoot();
        Assert.True(File.Exists(Path.Combine(root, "data", "README.md")), "data/README.md says what lives in data/");
        Assert.Contains("data/local/", File.ReadAllLines(Path.Combine(root, ".gitignore")));
    }
}
