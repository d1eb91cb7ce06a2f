using RecEngine.Catalog;
using RecEngine.Hosting;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Hosting;

/// <summary>The real executable: verbs, exit codes and messages.</summary>
public sealed class CliTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));

    private string DataDirSwitch => $"--RecEngine:DataDir={Path.Combine(_root, "data")}";

    private string Ratings()
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, "ratings.csv");
        File.WriteAllText(path, "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n2,1,2.5,964982704\n");
        return path;
    }

    [Theory]
    [InlineData("garbage", "serve")]
    [InlineData("truncated", "serve")]
    [InlineData("garbage", "train")]
    public async Task An_unreadable_store_ends_with_a_message_naming_the_file_and_exit_code_4(string damage, string verb)
    {
        var data = Path.Combine(_root, "data");
        var db = new DataDirectory(data).DatabasePath;
        if (damage == "truncated")
        {
            using (var store = new RecEngineStore(new DataDirectory(data)))
            {
                IngestTestData.Seed(new CatalogService(store, new CatalogIndex(store)), users: 50, videos: 50);
            }

            var bytes = File.ReadAllBytes(db);
            File.WriteAllBytes(db, bytes[..(bytes.Length / 3)]);
            // Garbage over the header page, as a torn copy leaves it.
            using var file = new FileStream(db, FileMode.Open);
            file.Write(Enumerable.Repeat((byte)0xAB, 64).ToArray());
        }
        else
        {
            Directory.CreateDirectory(data);
            File.WriteAllBytes(db, Enumerable.Range(0, 40_000).Select(i => (byte)(i * 31)).ToArray());
        }

        var args = verb == "serve" ? new[] { "serve", "--urls", "http://127.0.0.1:0", DataDirSwitch } : new[] { "train", DataDirSwitch };
        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, args);

        Assert.True(code == StoreOpenException.ExitCode, $"exit {code}: {stdout} {stderr}");
        Assert.Contains($"Cannot open the store '{db}'", stderr, StringComparison.Ordinal);
        Assert.Contains("not a readable LiteDB database", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr + stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportWritesTheStore()
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, "import", "movielens", "--ratings", Ratings(), DataDirSwitch);
        Assert.True(code == 0, $"exit {code}: {stdout} {stderr}");
        Assert.Contains("2 events", stdout, StringComparison.Ordinal);

        using var store = new RecEngineStore(new DataDirectory(Path.Combine(_root, "data")));
        Assert.Equal(2, store.Database.GetCollection("events").Count());
    }

    [Fact]
    public async Task AVerbOnAStoreHeldByAServerSaysSoAndNamesTheEndpoint()
    {
        var dataDir = new DataDirectory(Path.Combine(_root, "data"));
        using var server = new RecEngineStore(dataDir);
        Assert.True(server.IsEmpty);
        File.WriteAllText(dataDir.ServerInfoPath, "http://127.0.0.1:5123");

        var (code, _, stderr) = await CliProcess.RunAsync(Timeout, "import", "movielens", "--ratings", Ratings(), DataDirSwitch);

        Assert.Equal(3, code);
        Assert.Contains("in use by another RecEngine process", stderr, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:5123", stderr, StringComparison.Ordinal);
        Assert.Contains("POST /v1/events", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("import", "movielens")]
    [InlineData("import", "netflix", "--ratings", "x.csv")]
    [InlineData("import", "movielens", "--ratings", "/nonexistent/ratings.csv")]
    [InlineData("import", "movielens", "--bogus", "1")]
    public async Task UsageMistakesExitWith2AndAMessage(params string[] args)
    {
        var (code, _, stderr) = await CliProcess.RunAsync(Timeout, [.. args, DataDirSwitch]);
        Assert.Equal(2, code);
        Assert.False(string.IsNullOrWhiteSpace(stderr));
    }

    [Fact]
    public async Task EveryVerbHasHelp()
    {
        var (code, stdout, _) = await CliProcess.RunAsync(Timeout, "help");
        Assert.Equal(0, code);
        var verbs = stdout.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim().Split(' ')[0]).ToList();
        Assert.Contains("serve", verbs);
        Assert.Contains("import", verbs);
        foreach (var verb in verbs)
        {
            var (helpCode, help, _) = await CliProcess.RunAsync(Timeout, verb, "--help");
            Assert.Equal(0, helpCode);
            Assert.Contains($"Usage: RecEngine {verb}", help, StringComparison.Ordinal);
        }
    }

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
}
