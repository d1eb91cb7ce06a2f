using RecEngine.Hosting;
using RecEngine.Retrieval;
using RecEngine.Training;

namespace RecEngine.Lifecycle;

/// <summary>
/// <c>train</c>: embeddings and ranker from the last N days of events, written as a model version under
/// <c>models/&lt;version&gt;/</c> and registered. A manual train promotes what it writes without validation (the
/// operator asked for it; the next <c>serve</c> serves it); <c>POST /v1/models/{version}/promote</c> rolls back.
/// Validated promotion is the server's retraining (<c>POST /v1/models/retrain</c>).
/// </summary>
internal sealed class TrainVerb(ModelTraining training, ModelRegistry registry, TimeProvider time) : IVerb
{
    public string Name => "train";

    public string Summary => "Train embeddings and the ranker on a rolling window of events, write a model version to models/<version>/ and promote it (the next serve serves it).";

    public string Usage => "[--window-days N] [--ranker-days N] [--epochs N] [--shards N]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("window-days", "days of events, counted back from the newest event; the window reaches further back until it holds 1,000,000 events where the store has them (an imported history spanning years)", "14"),
        new("ranker-days", "the last N days' impressions train the ranker; embeddings for its features come from the days before", "4"),
        new("epochs", "ranker training epochs", "3"),
        new("shards", "also cut the version into N catalog shard files (with a checksum each) for 'serve --cluster'", "none"),
    ];

    public string? ServerAlternative => "POST /v1/models/retrain (validated against the serving model)";

    public Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        var windowDays = command.GetInt("window-days", 14, min: 1, max: 3650);
        var rankerDays = command.GetInt("ranker-days", 4, min: 1, max: 3650);
        var epochs = command.GetInt("epochs", 3, min: 1, max: 100);
        var shards = command.GetString("shards") is null ? 0 : command.GetInt("shards", 0, min: 1, max: 1024);
        if (rankerDays >= windowDays)
        {
            throw new VerbUsageException("--ranker-days must be less than --window-days: the embeddings for the ranker's features need earlier days.");
        }

        // Phases and a heartbeat on stderr, so stdout keeps the summary lines and a long run never looks hung.
        using var progress = new TrainingProgress(Console.Error, time, TimeSpan.FromSeconds(5));
        var version = training.Train(windowDays, rankerDays, epochs, Console.Out, cancellationToken, progress);
        if (version is null)
        {
            Console.Error.WriteLine("The data directory has no videos or no events: run 'generate' or 'import movielens' first.");
            return Task.FromResult(1);
        }

        if (shards > 0)
        {
            var manifest = CatalogShardFiles.Write(version, shards);
            Console.WriteLine($"Cut {manifest.Rows} videos into {manifest.Shards} catalog shards under {CatalogShardFiles.FolderOf(version)}.");
        }

        registry.Register(version, "train");
        registry.MarkServing(Path.GetFileName(version), "manual train: promoted without validation");
        Console.WriteLine($"Registered {Path.GetFileName(version)} as the serving version.");
        return Task.FromResult(0);
    }
}
