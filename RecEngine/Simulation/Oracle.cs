namespace RecEngine.Simulation;

/// <summary>
/// Ground-truth answers for evaluation code: the expected watch time of a video or a slate for a user at a
/// time, and the best possible ranking. Never give this to a model. Expectations over the logit noise use
/// MacKay's approximation E[sigmoid(m + s e)] ~ sigmoid(m / sqrt(1 + pi s^2 / 8)) (MacKay 1992).
/// </summary>
internal sealed class Oracle(BehaviourModel behaviour)
{
    private static readonly double ClickScale = 1 / Math.Sqrt(1 + Math.PI * BehaviourModel.ClickNoise * BehaviourModel.ClickNoise / 8);
    private static readonly double WatchScale = 1 / Math.Sqrt(1 + Math.PI * BehaviourModel.WatchNoise * BehaviourModel.WatchNoise / 8);

    private GroundTruth World => behaviour.World;

    /// <summary>Probability of a click given the video was examined.</summary>
    public double ClickProbability(int user, int video, DateTime at, int device) =>
        BehaviourModel.Sigmoid(ClickScale * behaviour.ClickLogit(user, video, DayOf(at), at, device));

    /// <summary>Expected seconds watched if the video is examined (click probability x expected fraction x duration).</summary>
    public double ExpectedWatchSeconds(int user, int video, DateTime at, int device) =>
        ClickProbability(user, video, at, device)
        * BehaviourModel.Sigmoid(WatchScale * behaviour.WatchLogit(user, video, DayOf(at), device))
        * World.DurationSeconds[video];

    /// <summary>Expected seconds watched from a whole slate, position bias included; on the user's usual device unless given.</summary>
    public double ExpectedSlateWatchSeconds(int user, IReadOnlyList<int> slate, DateTime at, int? device = null)
    {
        var d = device ?? World.PrimaryDevice[user];
        var total = 0.0;
        for (var position = 0; position < slate.Count; position++)
        {
            total += BehaviourModel.Examination(position) * ExpectedWatchSeconds(user, slate[position], at, d);
        }

        return total;
    }

    /// <inheritdoc cref="ExpectedSlateWatchSeconds(int, IReadOnlyList{int}, DateTime, int?)"/>
    public double ExpectedSlateWatchSeconds(string userId, IReadOnlyList<string> slate, DateTime at, string? device = null)
    {
        var user = RequireUser(userId);
        var indices = slate.Select(id => World.VideoIndex(id) is var v and >= 0 ? v : throw new ArgumentException($"Unknown video '{id}'.", nameof(slate))).ToList();
        return ExpectedSlateWatchSeconds(user, indices, at, device is null ? null : Array.IndexOf(Catalog.User.Devices, device));
    }

    /// <summary>
    /// The k videos available at <paramref name="at"/> with the highest expected watch time for the user, best first:
    /// the slate an all-knowing recommender would show (the expectation is separable over positions, so sorting is optimal).
    /// </summary>
    public int[] Ranking(int user, DateTime at, int k, int? device = null)
    {
        var d = device ?? World.PrimaryDevice[user];
        var available = World.AvailableAt(at);
        var best = new PriorityQueue<int, double>(k + 1);
        for (var video = 0; video < available; video++)
        {
            var score = ExpectedWatchSeconds(user, video, at, d);
            if (best.Count < k)
            {
                best.Enqueue(video, score);
            }
            else if (best.TryPeek(out _, out var worst) && score > worst)
            {
                best.EnqueueDequeue(video, score);
            }
        }

        var result = new int[best.Count];
        for (var i = result.Length - 1; i >= 0; i--)
        {
            result[i] = best.Dequeue();
        }

        return result;
    }

    /// <summary>
    /// P(watch | shown at <paramref name="position"/>): examined x clicked x watched at least the skip fraction,
    /// = (1+p)^-0.7 E[σ(click logit + 0.6ε)] P(watch logit + 1.2ε' ≥ logit(0.1)), the last by the logistic
    /// approximation of the normal CDF, Φ(x) ≈ σ(1.702 x) (Bowling et al. 2009). An evaluation ceiling for AUC.
    /// </summary>
    public double WatchProbability(string userId, string videoId, DateTime at, int position, string? device)
    {
        var user = RequireUser(userId);
        var video = World.VideoIndex(videoId);
        if (video < 0)
        {
            return 0;
        }

        var d = device is null ? World.PrimaryDevice[user] : Math.Max(0, Array.IndexOf(Catalog.User.Devices, device));
        var skip = Math.Log(BehaviourModel.SkipFraction / (1 - BehaviourModel.SkipFraction));
        var watched = BehaviourModel.Sigmoid(1.702 * (behaviour.WatchLogit(user, video, DayOf(at), d) - skip) / BehaviourModel.WatchNoise);
        return BehaviourModel.Examination(position) * ClickProbability(user, video, at, d) * watched;
    }

    /// <summary>The oracle ranking as video ids.</summary>
    public IReadOnlyList<string> Ranking(string userId, DateTime at, int k) =>
        Ranking(RequireUser(userId), at, k).Select(v => World.VideoIds[v]).ToList();

    private int DayOf(DateTime at) => (int)Math.Floor((at - World.Start).TotalDays);

    private int RequireUser(string userId) =>
        World.UserIndex(userId) is var u and >= 0 ? u : throw new ArgumentException($"Unknown user '{userId}'.", nameof(userId));
}
