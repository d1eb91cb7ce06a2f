using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Transfer;

/// <summary><c>import videos|users|events</c> and <c>export</c>, through the real executable.</summary>
public sealed class ImportExportTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", "transfer-" + Guid.NewGuid().ToString("N"));

    public ImportExportTests() => Directory.CreateDirectory(_root);

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

    private string DataSwitch(string name) => $"--RecEngine:DataDir={Path.Combine(_root, name)}";

    private string Write(string name, params string[] lines)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    private static readonly string Day = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    private string VideosCsv() => Write("videos.csv",
        "id,title,category,tags,creator_id,duration_seconds,uploaded_at,available",
        $"v1,\"Cats, part 1\",pets,cats|funny,c1,120,{Day},true",
        $"v2,Dogs,pets,dogs,c1,300.5,{Day},",
        $"v3,Guitar,music,,c2,200,{Day},false");

    private string UsersJsonl() => Write("users.jsonl",
        $$"""{"id":"u1","country":"US","device":"mobile","signed_up_at":"{{Day}}","age_bucket":"25-34"}""",
        "",
        $$"""{"id":"u2","country":"FR","device":"tv","signed_up_at":"{{Day}}"}""");

    private string EventsCsv() => Write("events.csv",
        "event_id,user_id,video_id,type,watch_seconds,timestamp",
        $"e1,u1,v1,watch,60,{Day}",
        $"e2,u1,v2,click,,{Day}",
        $"e3,u2,v1,watch,100,{Day}");

    private async Task<string> RunOkAsync(params string[] args)
    {
        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, args);
        Assert.True(code == 0, $"exit {code}: {stderr}{stdout}");
        return stdout;
    }

    [Fact]
    public async Task ImportThenExportRoundTripsThroughEveryFormatAndReimportingChangesNothing()
    {
        var a = DataSwitch("a");
        Assert.Contains("3 created", await RunOkAsync("import", "videos", "--file", VideosCsv(), a));
        Assert.Contains("2 created", await RunOkAsync("import", "users", "--file", UsersJsonl(), a));
        Assert.Contains("3 new", await RunOkAsync("import", "events", "--file", EventsCsv(), a));
        // Idempotent: the same files again store nothing new.
        Assert.Contains("0 new, 3 already stored", await RunOkAsync("import", "events", "--file", EventsCsv(), "--format", "csv", a));
        Assert.Contains("0 created, 3 replaced", await RunOkAsync("import", "videos", "--file", VideosCsv(), a));

        // Export as Parquet, import into an empty store, export both as CSV and JSONL: the same bytes.
        var b = DataSwitch("b");
        foreach (var kind in new[] { "videos", "users", "events" })
        {
            var parquet = Path.Combine(_root, kind + ".parquet");
            await RunOkAsync("export", kind, "--out", parquet, a);
            await RunOkAsync("import", kind, "--file", parquet, b);
            foreach (var format in new[] { "csv", "jsonl" })
            {
                var fromA = Path.Combine(_root, $"{kind}-a.{format}");
                var fromB = Path.Combine(_root, $"{kind}-b.{format}");
                await RunOkAsync("export", kind, "--out", fromA, a);
                await RunOkAsync("export", kind, "--out", fromB, b);
                Assert.Equal(File.ReadAllText(fromA), File.ReadAllText(fromB));
            }
        }

        var videos = File.ReadAllLines(Path.Combine(_root, "videos-a.csv"));
        Assert.Equal("id,title,category,tags,creator_id,duration_seconds,uploaded_at,available", videos[0]);
        Assert.StartsWith("v1,\"Cats, part 1\",pets,cats|funny,c1,120,", videos[1]);
        Assert.EndsWith(",false", videos[3]);
        var events = File.ReadAllLines(Path.Combine(_root, "events-a.jsonl"));
        Assert.Equal(3, events.Length);
        using var first = JsonDocument.Parse(events[0]);
        Assert.Equal("watch", first.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public async Task ABadFileWritesNothingAndNamesLinesAndFields()
    {
        var data = DataSwitch("bad");
        var bad = Write("bad-videos.csv",
            "id,title,category,tags,creator_id,duration_seconds,uploaded_at,available",
            $"ok1,Fine,pets,,c1,120,{Day},true",
            $"bad 2,Fine,pets,,c1,abc,{Day},true",
            $"ok3,,pets,,c1,120,{Day},maybe",
            $"ok1,Again,pets,,c1,120,{Day},true");
        var (code, _, stderr) = await CliProcess.RunAsync(Timeout, "import", "videos", "--file", bad, data);
        Assert.True(code == 2, stderr);
        Assert.Contains("bad-videos.csv:3: duration_seconds: 'abc' is not a number.", stderr, StringComparison.Ordinal);
        Assert.Contains(":4: available:", stderr, StringComparison.Ordinal);
        Assert.Contains(":5: id: repeats the id of line 2", stderr, StringComparison.Ordinal);
        Assert.Contains("nothing was imported", stderr, StringComparison.Ordinal);

        var limited = await CliProcess.RunAsync(Timeout, "import", "videos", "--file", bad, "--max-errors", "1", data);
        Assert.Equal(2, limited.ExitCode);
        Assert.Contains("More than 1 bad rows", limited.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(":5:", limited.StdErr, StringComparison.Ordinal);

        // Events naming unknown users or videos are refused by line, as the API refuses them.
        var events = Write("bad-events.jsonl", $$"""{"event_id":"e1","user_id":"nobody","video_id":"v1","type":"watch","timestamp":"{{Day}}"}""");
        var refused = await CliProcess.RunAsync(Timeout, "import", "events", "--file", events, data);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("bad-events.jsonl:1: user_id: unknown user 'nobody'.", refused.StdErr, StringComparison.Ordinal);

        var unknownColumn = Write("extra.csv", "id,title,colour", "v1,T,red");
        var wrong = await CliProcess.RunAsync(Timeout, "import", "videos", "--file", unknownColumn, data);
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("unknown column(s) 'colour'", wrong.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, (await CliProcess.RunAsync(Timeout, "import", "videos", "--file", unknownColumn, "--format", "xml", data)).ExitCode);
        // A Parquet file of another kind: its columns are not a video's.
        var users = Path.Combine(_root, "users.parquet");
        await RunOkAsync("import", "users", "--file", UsersJsonl(), data);
        await RunOkAsync("export", "users", "--out", users, data);
        var parquet = await CliProcess.RunAsync(Timeout, "import", "videos", "--file", users, data);
        Assert.Equal(2, parquet.ExitCode);
        Assert.Contains("unknown column(s) 'country', 'device', 'signed_up_at', 'age_bucket'", parquet.StdErr, StringComparison.Ordinal);
        Assert.Equal(2, (await CliProcess.RunAsync(Timeout, "import", "songs", "--file", unknownColumn, data)).ExitCode);

        var export = Path.Combine(_root, "after.csv");
        await RunOkAsync("export", "videos", "--out", export, data);
        Assert.Single(File.ReadAllLines(export));
    }

    [Fact]
    public async Task WhileAServerHoldsTheStoreImportsGoThroughItsApi()
    {
        var dataDir = Path.Combine(_root, "served");
        await using var server = await RecEngineProcess.StartAsync(dataDir, Timeout, "--RecEngine:FirstRunDemo=false");
        var data = $"--RecEngine:DataDir={dataDir}";
        Assert.Contains("through http://127.0.0.1", await RunOkAsync("import", "videos", "--file", VideosCsv(), data));
        await RunOkAsync("import", "users", "--file", UsersJsonl(), data);
        var bad = Write("server-bad-events.csv", "event_id,user_id,video_id,type,timestamp", $"e1,u1,v1,watch,{Day}", $"e2,u9,v1,watch,{Day}");
        var refused = await CliProcess.RunAsync(Timeout, "import", "events", "--file", bad, data);
        Assert.True(refused.ExitCode == 2, refused.StdErr + refused.StdOut);
        Assert.Contains("server-bad-events.csv:3: user_id: unknown user 'u9'.", refused.StdErr, StringComparison.Ordinal);

        using var client = server.CreateClient();
        var features = await client.GetFromJsonAsync<JsonElement>("/v1/users/u1/features");
        Assert.Equal(0, features.GetProperty("watches").GetInt64());

        Assert.Contains("3 new", await RunOkAsync("import", "events", "--file", EventsCsv(), data));
        var video = await client.GetAsync("/v1/videos/v2");
        await HttpAssert.StatusAsync(HttpStatusCode.OK, video);
        features = await client.GetFromJsonAsync<JsonElement>("/v1/users/u1/features");
        Assert.Equal(1, features.GetProperty("watches").GetInt64());
    }
}
