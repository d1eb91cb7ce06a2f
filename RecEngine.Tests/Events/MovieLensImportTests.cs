using System.Text;
using Microsoft.Extensions.Time.Testing;
using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Events.Import;
using RecEngine.Hosting;

namespace RecEngine.Tests.Events;

public sealed class MovieLensImportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));
    private readonly RecEngineStore _store;
    private readonly EventStore _events;
    private readonly MovieLensImporter _importer;

    public MovieLensImportTests()
    {
        _store = new RecEngineStore(new DataDirectory(Path.Combine(_root, "data")));
        _events = new EventStore(_store);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero));
        _importer = new MovieLensImporter(new CatalogService(_store, new CatalogIndex(_store)), _events, time);
    }

    private string Write(string name, string text, Encoding? encoding = null)
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, name);
        File.WriteAllText(path, text, encoding ?? new UTF8Encoding(false));
        return path;
    }

    private string LatestRatings() => Write("ratings.csv",
        "userId,movieId,rating,timestamp\n" +
        "1,1,4.0,964982703\n" +
        "1,11,1.5,964981247\n" +
        "2,1,5.0,964982224\n" +
        "2,999,3.0,964983815\n");

    private string LatestMovies() => Write("movies.csv",
        "movieId,title,genres\n" +
        "1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n" +
        "11,\"American President, The (1995)\",Comedy|Drama|Romance\n" +
        "5,Untitled,(no genres listed)\n");

    [Fact]
    public void ImportsTheLatestCsvLayout()
    {
        var result = _importer.Import(new MovieLensImportRequest(LatestRatings(), LatestMovies()), null, CancellationToken.None);

        Assert.Equal(3, result.Movies);
        Assert.Equal(2, result.Users);
        Assert.Equal(4, result.Events);
        Assert.Empty(result.Errors);

        var toy = _store.Videos.FindById("ml-m1");
        Assert.Equal("Toy Story", toy.Title);
        Assert.Equal("adventure", toy.Category);
        Assert.Equal(["adventure", "animation", "children", "comedy", "fantasy"], toy.Tags);
        Assert.Equal(new DateTime(1995, 1, 1, 0, 0, 0, DateTimeKind.Utc), toy.UploadedAt);
        Assert.Equal("The American President", _store.Videos.FindById("ml-m11").Title);
        Assert.Equal("unknown", _store.Videos.FindById("ml-m5").Category);
        // Rated but not in movies.csv: a placeholder video keeps the event valid.
        Assert.Equal("Movie 999", _store.Videos.FindById("ml-m999").Title);

        var loved = _events.Events.FindById("ml-2-1");
        Assert.Equal(EventType.Watch, loved.Type);
        Assert.Equal(MovieLensImporter.MovieDurationSeconds, loved.WatchSeconds);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(964982224), loved.Timestamp);
        var disliked = _events.Events.FindById("ml-1-11");
        Assert.Equal(EventType.Skip, disliked.Type);
        Assert.True(disliked.WatchSeconds < _events.Events.FindById("ml-1-1").WatchSeconds, "higher ratings are stronger engagement");
        Assert.Equal("ml-u1", disliked.UserId);
        Assert.NotNull(_store.Users.FindById("ml-u2"));
    }

    [Fact]
    public void ImportsThe100KLayout()
    {
        var flags = (int[] on) => string.Join('|', Enumerable.Range(0, 19).Select(i => on.Contains(i) ? "1" : "0"));
        var movies = Write("u.item",
            $"1|Toy Story (1995)|01-Jan-1995||http://example/toy|{flags([3, 4, 5])}\n" +
            $"2|Café Society (1995)|01-Jan-1995||http://example/cafe|{flags([8])}\n", Encoding.Latin1);
        var ratings = Write("u.data", "196\t1\t3\t881250949\n186\t2\t1\t891717742\n196\t2\t5\t881250950\n");

        var result = _importer.Import(new MovieLensImportRequest(ratings, movies), null, CancellationToken.None);

        Assert.Equal((2, 2, 3L), (result.Movies, result.Users, result.Events));
        Assert.Equal("animation", _store.Videos.FindById("ml-m1").Category);
        Assert.Equal(["animation", "childrens", "comedy"], _store.Videos.FindById("ml-m1").Tags);
        Assert.Equal("Café Society", _store.Videos.FindById("ml-m2").Title);
        Assert.Equal(EventType.Skip, _events.Events.FindById("ml-186-2").Type);
    }

    [Fact]
    public void ReimportingStoresNothingTwice()
    {
        var request = new MovieLensImportRequest(LatestRatings(), LatestMovies());
        _importer.Import(request, null, CancellationToken.None);
        _importer.Import(request, null, CancellationToken.None);

        Assert.Equal(4, _events.Count());
        Assert.Equal(4, _store.Videos.Count());
        Assert.Equal(2, _store.Users.Count());
    }

    [Fact]
    public void MalformedLinesAreReportedWithLineNumbersAndSkipped()
    {
        var ratings = Write("ratings.csv",
            "userId,movieId,rating,timestamp\n" +
            "1,1,4.0,964982703\n" +
            "1,1\n" +
            "x,2,3.0,964982703\n" +
            "1,3,9.0,964982703\n" +
            "1,4,3.0,99999999999\n" +
            "2,2,3.0,964982703\n");

        var result = _importer.Import(new MovieLensImportRequest(ratings, null), null, CancellationToken.None);

        Assert.Equal(2, result.Events);
        Assert.Equal([3L, 4L, 5L, 6L], result.Errors.Select(e => e.Line));
        Assert.Contains("4 fields", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("rating", result.Errors[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PastTheErrorLimitTheImportFailsAndWritesNothingMore()
    {
        var lines = new StringBuilder("userId,movieId,rating,timestamp\n");
        for (var i = 1; i <= 30; i++)
        {
            lines.Append(i).Append(",1,4.0,964982703\n");
        }

        lines.Append("bad\nbad\nbad\n");
        for (var i = 31; i <= 60; i++)
        {
            lines.Append(i).Append(",1,4.0,964982703\n");
        }

        var ratings = Write("ratings.csv", lines.ToString());
        var ex = Assert.Throws<ImportFailedException>(() =>
            _importer.Import(new MovieLensImportRequest(ratings, null, MaxErrors: 2, ChunkSize: 10), null, CancellationToken.None));

        Assert.Contains("line 34", ex.Message, StringComparison.Ordinal);
        Assert.Equal(3, ex.Errors.Count);
        // The three full chunks before the bad lines were written; nothing after the failure was.
        Assert.Equal(30, _events.Count());
        Assert.Null(_events.Events.FindById("ml-31-1"));
    }

    [Theory]
    [InlineData("Toy Story (1995)", "Toy Story", 1995)]
    [InlineData("American President, The (1995)", "The American President", 1995)]
    [InlineData("Babylon 5", "Babylon 5", null)]
    [InlineData("Cosmos (1980–)", "Cosmos", 1980)]
    public void TitlesLoseTheirYear(string raw, string title, int? year)
    {
        Assert.Equal((title, year), MovieLensFormat.SplitTitle(raw));
    }

    public void Dispose()
    {
        _events.Dispose();
        _store.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
