using RecEngine.Events.Import;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Simulation;

/// <summary><c>generate --format movielens</c> writes files the MovieLens parsers read back whole.</summary>
public sealed class MovieLensExportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("taste")]
    [InlineData("exposure")]
    public async Task GenerateWritesParseableMlLatestFilesWithOneRatingPerUserAndMovie(string model)
    {
        var files = Path.Combine(_root, "ml");
        var run = await CliProcess.RunAsync(TimeSpan.FromSeconds(120), "generate", "--format", "movielens", "--ratings-model", model, "--out", files,
            "--users", "200", "--videos", "100", "--days", "4", "--seed", "3", $"--RecEngine:DataDir={Path.Combine(_root, "data")}");
        Assert.True(run.ExitCode == 0, run.StdErr + run.StdOut);
        Assert.Contains($"{model} ratings", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("ratings per user min", run.StdOut, StringComparison.Ordinal);

        var ratingLines = await File.ReadAllLinesAsync(Path.Combine(files, "ratings.csv"));
        Assert.True(MovieLensFormat.IsCsvRatingsHeader(ratingLines[0]));
        var ratings = ratingLines.Skip(1).Select(l => MovieLensFormat.ParseRating(l, out var error) ?? throw new InvalidDataException($"{l}: {error}")).ToList();
        Assert.NotEmpty(ratings);
        Assert.Equal(ratings.Count, ratings.Select(r => (r.UserId, r.MovieId)).Distinct().Count());
        Assert.All(ratings, r => Assert.InRange(r.Rating, 0.5, 5));
        Assert.Contains(ratings, r => r.Rating < MovieLensImporter.SkipBelowStars);
        Assert.Contains(ratings, r => r.Rating >= 4);

        var movieLines = await File.ReadAllLinesAsync(Path.Combine(files, "movies.csv"));
        Assert.True(MovieLensFormat.IsCsvMoviesHeader(movieLines[0]));
        var movies = movieLines.Skip(1).Select(l => MovieLensFormat.ParseMovieCsv(l, out var error) ?? throw new InvalidDataException($"{l}: {error}")).ToList();
        Assert.Equal(100, movies.Count);
        Assert.All(movies, m => Assert.NotNull(m.Year));
        Assert.All(ratings, r => Assert.Contains(r.MovieId, movies.Select(m => m.MovieId)));
    }

    [Theory]
    [InlineData("--ratings-model", "--format", "movielens", "--ratings-model", "netflix")]
    [InlineData("--ratings-model", "--ratings-model", "taste")]
    [InlineData("--taste-temperature", "--format", "movielens", "--ratings-model", "exposure", "--taste-temperature", "0.5")]
    [InlineData("--popularity-exponent", "--format", "movielens", "--popularity-exponent", "abc")]
    public async Task ExportMistakesExitWith2AndNameTheOption(string named, params string[] args)
    {
        var files = Path.Combine(_root, "ml");
        var run = await CliProcess.RunAsync(TimeSpan.FromSeconds(60), ["generate", .. args, "--out", files,
            "--users", "20", "--videos", "10", "--days", "2", $"--RecEngine:DataDir={Path.Combine(_root, "data")}"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(named, run.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(files, "ratings.csv")));
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
