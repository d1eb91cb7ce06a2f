using RecEngine.Catalog;
using RecEngine.Tests.Features;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Transfer;

/// <summary><c>import videos</c> with a <c>thumbnail</c> column (a path to a local file), through the real executable.</summary>
public sealed class ThumbnailImportTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly string Day = DateTime.UtcNow.AddDays(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", "thumbs-" + Guid.NewGuid().ToString("N"));

    public ThumbnailImportTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "images"));
        File.WriteAllBytes(Path.Combine(_root, "images", "v1.png"), TestImages.Png(160, 90));
        File.WriteAllBytes(Path.Combine(_root, "images", "v2.jpg"), TestImages.Jpeg(90, 160));
        File.WriteAllBytes(Path.Combine(_root, "images", "bomb.png"), TestImages.PngBomb());
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

    [Fact]
    public async Task Csv_and_jsonl_rows_bring_their_thumbnails_and_a_bad_one_fails_the_import_by_line()
    {
        var data = Path.Combine(_root, "data");
        var dataSwitch = $"--RecEngine:DataDir={data}";
        var csv = Path.Combine(_root, "videos.csv");
        File.WriteAllLines(csv,
        [
            "id,title,category,tags,creator_id,duration_seconds,uploaded_at,thumbnail",
            $"v1,Cats,pets,cats,c1,120,{Day},images/v1.png",
            $"v2,Dogs,pets,dogs,c1,300,{Day},{Path.Combine(_root, "images", "v2.jpg")}",
            $"v3,Guitar,music,,c2,200,{Day},",
        ]);
        var (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, "import", "videos", "--file", csv, dataSwitch);
        Assert.True(code == 0, $"exit {code}: {stderr}{stdout}");
        var store = new ThumbnailStore(Path.Combine(data, "thumbnails"));
        Assert.Equal(TestImages.Png(160, 90), store.Read("v1")!.Value.Bytes);
        Assert.Equal("image/jpeg", store.Read("v2")!.Value.ContentType);
        Assert.Null(store.Find("v3"));

        var jsonl = Path.Combine(_root, "more.jsonl");
        File.WriteAllLines(jsonl,
        [
            $$"""{"id":"v4","title":"Birds","category":"pets","tags":[],"creator_id":"c1","duration_seconds":50,"uploaded_at":"{{Day}}","thumbnail":"images/v1.png"}""",
            $$"""{"id":"v5","title":"Bomb","category":"pets","tags":[],"creator_id":"c1","duration_seconds":50,"uploaded_at":"{{Day}}","thumbnail":"images/bomb.png"}""",
            $$"""{"id":"v6","title":"Gone","category":"pets","tags":[],"creator_id":"c1","duration_seconds":50,"uploaded_at":"{{Day}}","thumbnail":"images/missing.png"}""",
        ]);
        (code, stdout, stderr) = await CliProcess.RunAsync(Timeout, "import", "videos", "--file", jsonl, dataSwitch);
        Assert.True(code == 2, $"exit {code}: {stderr}{stdout}");
        Assert.Contains("more.jsonl:2: thumbnail:", stderr + stdout, StringComparison.Ordinal);
        Assert.Contains("30000 x 30000", stderr + stdout, StringComparison.Ordinal);
        Assert.Contains("more.jsonl:3: thumbnail:", stderr + stdout, StringComparison.Ordinal);
        Assert.Null(store.Find("v4")); // nothing of a failed import is written
    }
}
