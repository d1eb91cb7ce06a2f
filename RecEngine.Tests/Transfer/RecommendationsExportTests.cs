using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Transfer;

[Collection(ServedWorldCollection.Name)]
public sealed class RecommendationsExportTests(ServedWorld world) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", "export-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ExportsTheServedSlateOfEveryActiveUser()
    {
        var dataDir = Path.Combine(_root, "data");
        world.CopyTo(dataDir);
        var output = Path.Combine(_root, "slates.csv");
        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, "export", "recommendations", "--out", output, "--k", "5", "--days", "2", $"--RecEngine:DataDir={dataDir}");
        Assert.True(code == 0, stderr + stdout);

        var lines = File.ReadAllLines(output);
        Assert.Equal("user_id,rank,video_id,title,score,model_version", lines[0]);
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        var users = rows.GroupBy(r => r[0]).ToList();
        Assert.True(users.Count > 10, $"{users.Count} users");
        Assert.All(users, u =>
        {
            Assert.Equal(Enumerable.Range(1, u.Count()).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), u.Select(r => r[1]));
            Assert.InRange(u.Count(), 1, 5);
            Assert.Equal(u.Count(), u.Select(r => r[2]).Distinct().Count());
        });
        Assert.All(rows, r => Assert.StartsWith("v", r[^1], StringComparison.Ordinal));

        // Without a model there is nothing to serve: a usage error, and no file.
        var empty = Path.Combine(_root, "empty");
        var none = await CliProcess.RunAsync(Timeout, "export", "recommendations", "--out", Path.Combine(_root, "none.csv"), $"--RecEngine:DataDir={empty}");
        Assert.Equal(2, none.ExitCode);
        Assert.False(File.Exists(Path.Combine(_root, "none.csv")));
    }
}
