using RecEngine.Retrieval;
using RecEngine.Retrieval.Candidates;

namespace RecEngine.Training.Evaluation;

/// <summary>
/// What <see cref="RankingBlend"/> weighs for each pooled candidate: the pool network's two heads, and the
/// baselines' signals from the same training events the network's features came from (all-time, recent-share and
/// time-decayed watches, the item-kNN score), the embedding dot product, the video's age since its first watch
/// (freshness, where upload times are unknown), exposure counted with skips, the video's mean rating, and how much of the user's history shares its category and tags
/// (<see cref="UserTaste"/>). Counts enter as log(1 + x), so a
/// linear blend of them is a product of powers (popularity^a · knn^b ...). Each list is standardised on its own
/// (<see cref="Standardise"/>).
/// </summary>
public static class BlendFeatures
{
    private static readonly string[] BaseNames =
    [
        "network_log_watch_time",
        "network_logit_p_watch",
        "log_watches",
        "log_recent_watches",
        "log_decayed_watches_1d",
        "log_decayed_watches_7d",
        "log_item_knn",
        "embedding_dot",
        "log_days_since_first_watch",
        "first_watched_within_3d",
        "log_category_share",
        "tag_share",
        "log_watches_and_skips",
        "mean_watched_fraction",
        "log_cooccurrence_confidence",
    ];

    /// <summary>
    /// Features whose weight may change with the user's history: each also enters times the log of the user's
    /// distinct recent watches (centred), a varying-coefficient model (Hastie &amp; Tibshirani 1993), so popularity can
    /// count for more with a new user and taste for more with a known one. Per-list standardisation would erase a
    /// per-user constant, so the product is taken after it.
    /// </summary>
    public static readonly string[] ByHistory = ["log_watches", "log_decayed_watches_7d", "network_log_watch_time", "log_item_knn", "tag_share", "log_cooccurrence_confidence"];

    private static readonly int[] ByHistoryIndex = [.. ByHistory.Select(n => Array.IndexOf(BaseNames, n))];

    /// <summary>The centre of log(1 + distinct recent watches) in the products (about 6 watches).</summary>
    private const double HistoryCentre = 2.0;

    public static readonly string[] Names = [.. BaseNames, .. ByHistory.Select(n => n + "_x_history")];

    public static int Count => Names.Length;

    /// <summary>The exposure proxy whose top decides which candidates the blend re-ranks (<see cref="Head"/>).</summary>
    public static readonly int ExposureColumn = Array.IndexOf(BaseNames, "log_watches_and_skips");

    /// <summary>
    /// The raw (unstandardised) features of <paramref name="ids"/> for the user of <paramref name="request"/>, given
    /// the network's outputs on them (<paramref name="pWatch"/>, <paramref name="watchTime"/>), row-major, with the
    /// products left at 0 for <see cref="Finish"/>; and the user's history term of those products.
    /// </summary>
    public static (double[] Rows, double History) Raw(int[] ids, ReadOnlySpan<float> pWatch, ReadOnlySpan<float> watchTime, CandidateRequest request,
        TrainingSplitSignals signals, DecayedPopularity decayed, RetrievalModel model)
    {
        var width = Count;
        var rows = new double[ids.Length * width];
        var confidence = signals.Knn.ConfidenceScores(request.RecentVideoIndexes);
        var knn = signals.Knn.Scores(request.RecentVideoIndexes);
        var atCut = decayed.At(request.Now);
        var taste = UserTaste.FromWatches(request.RecentVideoIndexes, request.Videos);
        for (var i = 0; i < ids.Length; i++)
        {
            var v = ids[i];
            var row = rows.AsSpan(i * width, width);
            row[0] = Math.Log(Math.Max(watchTime[i], 1e-30f));
            var p = Math.Clamp((double)pWatch[i], 1e-7, 1 - 1e-7);
            row[1] = Math.Log(p / (1 - p));
            row[2] = double.LogP1((double)signals.Watches[v]);
            row[3] = double.LogP1((double)signals.RecentWatches[v]);
            row[4] = double.LogP1((double)atCut[0][v]);
            row[5] = double.LogP1((double)atCut[1][v]);
            row[6] = double.LogP1((double)knn.GetValueOrDefault(v));
            row[7] = request.UserVector is { } u ? System.Numerics.Tensors.TensorPrimitives.Dot<float>(u, model.ItemVector(v)) : 0;
            // Imported data has no upload times; a video's first watch before the cut stands in (never watched: as if new).
            var days = Math.Max(0, (request.Now - signals.FirstWatch[v]).TotalDays);
            row[8] = double.LogP1(days);
            row[9] = days < 3 ? 1 : 0;
            row[10] = Math.Log(taste.CategoryShare(request.Videos.CategoryIndex[v]));
            row[11] = taste.TagShare(request.Videos.Tags[v]);
            row[12] = double.LogP1((double)signals.Watches[v] + signals.Skips[v]);
            row[13] = signals.MeanWatchedFraction[v];
            row[14] = double.LogP1(confidence.GetValueOrDefault(v));
        }

        return (rows, double.LogP1(taste.Watches) - HistoryCentre);
    }

    /// <summary>Standardises a list's raw rows within the list, then fills the products with the user's history.</summary>
    public static void Finish(double[] rows, int n, double history)
    {
        var width = Count;
        Standardise(rows, n, width);
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < ByHistoryIndex.Length; k++)
            {
                rows[(i * width) + BaseNames.Length + k] = rows[(i * width) + ByHistoryIndex[k]] * history;
            }
        }
    }

    /// <summary>
    /// The indexes of the <paramref name="size"/> rows with the most exposure (watches and skips in the training
    /// split; ties by index), all rows when <paramref name="size"/> is 0: the head of the pool the blend re-ranks.
    /// What users rate next is mostly what the platform showed most, and among those what suits them, so the
    /// blend learns to order the head rather than the long tail of the pool.
    /// </summary>
    public static int[] Head(double[] raw, int n, int size)
    {
        var width = Count;
        var order = Enumerable.Range(0, n).OrderByDescending(i => raw[(i * width) + ExposureColumn]).ThenBy(i => i);
        return [.. size <= 0 ? order : order.Take(size)];
    }

    /// <summary>The rows at <paramref name="indexes"/>, copied.</summary>
    public static double[] Rows(double[] raw, int[] indexes)
    {
        var width = Count;
        var rows = new double[indexes.Length * width];
        for (var r = 0; r < indexes.Length; r++)
        {
            Array.Copy(raw, indexes[r] * width, rows, r * width, width);
        }

        return rows;
    }

    /// <summary>Each column of a list to mean 0 and standard deviation 1 within the list (a constant column to 0).</summary>
    public static void Standardise(double[] rows, int n, int width)
    {
        for (var f = 0; f < width; f++)
        {
            var mean = 0.0;
            for (var i = 0; i < n; i++)
            {
                mean += rows[(i * width) + f];
            }

            mean /= Math.Max(1, n);
            var variance = 0.0;
            for (var i = 0; i < n; i++)
            {
                var d = rows[(i * width) + f] - mean;
                variance += d * d;
            }

            var sd = Math.Sqrt(variance / Math.Max(1, n));
            for (var i = 0; i < n; i++)
            {
                rows[(i * width) + f] = sd > 1e-12 ? (rows[(i * width) + f] - mean) / sd : 0;
            }
        }
    }
}
