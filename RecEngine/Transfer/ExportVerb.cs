using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Transfer;

/// <summary>
/// <c>export events|videos|users|recommendations --out FILE [--format csv|jsonl|parquet]</c>: the same columns imports
/// read. <c>recommendations</c> computes the slates of the active users (those with events in the last
/// <c>--days</c> before the newest event) through the serving pipeline of the served model version, for e-mail and push.
/// </summary>
internal sealed class ExportVerb(RecEngineStore store, EventStore events, ServingLoader loader, RecommendationPipeline pipeline) : IVerb
{
    public string Name => "export";

    public string Summary => "Export videos, users, events, or the active users' recommendations, as CSV, JSONL or Parquet.";

    public string Usage => "events|videos|users|recommendations --out FILE [--format csv|jsonl|parquet] [--k N] [--days N]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("out", "the file to write (replaced when complete)"),
        new("format", "csv, jsonl or parquet; by default from the file's extension"),
        new("k", "recommendations: videos per user, 1-200", "20"),
        new("days", "recommendations: users with events in this many days before the newest event are active", "7"),
    ];

    public string? ServerAlternative => "GET /v1/recommendations/{userId} per user (the store is the server's while it runs)";

    public async Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken)
    {
        var what = command.Positionals is [var kind] ? kind.ToLowerInvariant() : null;
        if (what is not ("events" or "videos" or "users" or "recommendations"))
        {
            throw new VerbUsageException("Say what to export: 'export events', 'export videos', 'export users' or 'export recommendations'.");
        }

        var output = command.GetString("out") ?? throw new VerbUsageException("--out FILE is required.");
        var directory = Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (!Directory.Exists(directory))
        {
            throw new VerbUsageException($"--out: the folder {directory} does not exist.");
        }

        var format = ImportVerb.FormatOf(command, output);
        var k = command.GetInt("k", 20, min: 1, max: 200);
        var days = command.GetInt("days", 7, min: 1, max: 36_500);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var total = what switch
        {
            "videos" => store.Videos.LongCount(),
            "users" => store.Users.LongCount(),
            "events" => events.Count(),
            _ => 0,
        };
        var count = await ProgressDisplay.RunAsync($"Exporting {what}", progress =>
        {
            void Report(long n) => progress.Report(new ProgressUpdate(total == 0 ? 0 : Math.Min(1, (double)n / total), $"{n:N0} {what}"));
            return Task.Run(() => what switch
            {
                "videos" => RowWriter.WriteAsync(output, format, TransferSchema.Videos, store.Videos.Query().OrderBy(v => v.Id).ToEnumerable(), Report, cancellationToken),
                "users" => RowWriter.WriteAsync(output, format, TransferSchema.Users, store.Users.Query().OrderBy(u => u.Id).ToEnumerable(), Report, cancellationToken),
                "events" => RowWriter.WriteAsync(output, format, TransferSchema.Events, StoredEvents(), Report, cancellationToken),
                _ => ExportRecommendationsAsync(output, format, k, days, progress, cancellationToken),
            }, cancellationToken);
        });

        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"Exported {count:N0} {(what == "recommendations" ? "slate rows" : what)} to {output} in {seconds:0.0}s ({count / Math.Max(seconds, 1e-3):N0} rows/s).");
        return 0;
    }

    /// <summary>Stored events in time order (the impressions of served slates are the server's log, not exported).</summary>
    private IEnumerable<EventInput> StoredEvents() =>
        events.Events.Query().OrderBy(e => e.Timestamp).ToEnumerable().Select(EventInput.From);

    private async Task<long> ExportRecommendationsAsync(string output, TransferFormat format, int k, int days, IProgress<ProgressUpdate> progress, CancellationToken ct)
    {
        if (!loader.Load())
        {
            throw new VerbUsageException("No model version serves this data directory: train one first ('train').");
        }

        var newest = events.Events.Query().OrderByDescending(e => e.Timestamp).Limit(1).FirstOrDefault()?.Timestamp;
        var active = new List<string>();
        if (newest is { } end)
        {
            var from = end.AddDays(-days);
            active = events.Events.Query().Where(e => e.Timestamp >= from).Select(e => e.UserId).ToEnumerable()
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        }

        var done = 0;
        IEnumerable<SlateRow> Slates()
        {
            foreach (var user in active)
            {
                ct.ThrowIfCancellationRequested();
                var slate = pipeline.Recommend(new SlateRequest(user, k, [], Explain: false)).Slate!;
                var rank = 0;
                foreach (var video in slate.Videos)
                {
                    yield return new SlateRow { UserId = user, Rank = ++rank, VideoId = video.VideoId, Title = video.Title, Score = video.Score is { } s ? Math.Round(s, 6) : null, ModelVersion = slate.ModelVersion };
                }

                if ((++done & 0xFF) == 0)
                {
                    progress.Report(new ProgressUpdate((double)done / active.Count, $"{done:N0} of {active.Count:N0} users"));
                }
            }
        }

        var rows = await RowWriter.WriteAsync(output, format, TransferSchema.Recommendations, Slates(), null, ct);
        progress.Report(new ProgressUpdate(1, $"{active.Count:N0} users"));
        return rows;
    }
}
