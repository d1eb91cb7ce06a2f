using System.Collections.Concurrent;
using RecEngine.Events;
using RecEngine.Retrieval.Candidates;
using RecEngine.Serving;

namespace RecEngine.Simulation.Online;

/// <summary>
/// The online loop's slate policy: every session asks the real serving pipeline (<see cref="RecommendationPipeline"/>, resolved
/// from the run's host) for a slate and shows it. The pipeline's request id goes on the events, so training joins
/// the watches to the slate that caused them. Counts the slates it served and sums the oracle's expected watch seconds
/// of each (ground truth the pipeline never sees), for watch time per slate. Remembers which positions of each slate
/// the pipeline explored (source <c>explore</c>) and which model version served each slate (a canary's, for its users),
/// so the sessions' own impression log says both as the server's would.
/// </summary>
internal sealed class ServingSlatePolicy(GroundTruth world, Oracle oracle, RecommendationPipeline pipeline) : ISlatePolicy
{
    private readonly Lock _gate = new();
    private long _slates;
    private long _missing;
    private double _expectedSeconds;
    private double _bestSeconds;
    private ConcurrentDictionary<string, int[]> _explored = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, string> _versions = new(StringComparer.Ordinal);

    /// <summary>Slates served since the last <see cref="BeginDay"/>.</summary>
    public long SlatesToday => Interlocked.Read(ref _slates);

    /// <summary>Sessions since the last <see cref="BeginDay"/> that got no slate (no model serving).</summary>
    public long MissingToday => Interlocked.Read(ref _missing);

    /// <summary>
    /// Sum over today's slates of the expected watch seconds given the slate, session time and device: the
    /// conditional expectation of what users watch, free of the click and watch-fraction draws.
    /// </summary>
    public double ExpectedSecondsToday
    {
        get
        {
            lock (_gate)
            {
                return _expectedSeconds;
            }
        }
    }

    /// <summary>
    /// Sum over today's slates of the expected watch seconds of the oracle's best slate of the same length for the same
    /// session: what was possible, so expected over best is the share of it the pipeline achieved, whatever the
    /// durations of the videos that happened to be available.
    /// </summary>
    public double BestSecondsToday
    {
        get
        {
            lock (_gate)
            {
                return _bestSeconds;
            }
        }
    }

    public void BeginDay(int day)
    {
        Interlocked.Exchange(ref _slates, 0);
        Interlocked.Exchange(ref _missing, 0);
        lock (_gate)
        {
            _expectedSeconds = 0;
            _bestSeconds = 0;
        }

        _explored = new(StringComparer.Ordinal);
        _versions = new(StringComparer.Ordinal);
    }

    public int[] ChooseSlate(int user, DateTime at, int device, int size, SimRandom rng) => Choose(user, at, device, size, rng).Videos;

    public SlateChoice Choose(int user, DateTime at, int device, int size, SimRandom rng)
    {
        var served = pipeline.Recommend(new SlateRequest(world.UserIds[user], size, [], Explain: false, Device: Catalog.User.Devices[device])).Slate;
        if (served is null)
        {
            Interlocked.Increment(ref _missing);
            return new SlateChoice([], null);
        }

        Interlocked.Increment(ref _slates);
        var videos = new List<int>(served.Videos.Count);
        List<int>? explored = null;
        foreach (var video in served.Videos)
        {
            // Every served id comes from the catalog the world wrote; one the world does not know is not shown.
            if (world.VideoIndex(video.VideoId) is var v and >= 0)
            {
                if (video.Sources.Contains(CandidateSourceKind.Explore))
                {
                    (explored ??= []).Add(videos.Count);
                }

                videos.Add(v);
            }
        }

        if (explored is not null)
        {
            _explored[served.RequestId] = explored.ToArray();
        }

        if (served.ModelVersion is { } version)
        {
            _versions[served.RequestId] = version;
        }

        var expected = oracle.ExpectedSlateWatchSeconds(user, videos, at, device);
        var best = oracle.ExpectedSlateWatchSeconds(user, oracle.Ranking(user, at, videos.Count, device), at, device);
        lock (_gate)
        {
            _expectedSeconds += expected;
            _bestSeconds += best;
        }

        return new SlateChoice(videos.ToArray(), served.RequestId);
    }

    public void EndDay(int day, IReadOnlyList<InteractionEvent> events)
    {
    }

    /// <summary>
    /// Marks the impressions of today's slates at positions the pipeline explored (<see cref="InteractionEvent.Explored"/>)
    /// and every impression with the model version that served its slate (<see cref="InteractionEvent.ModelVersion"/>),
    /// as the server's impression log would; returns how many it marked explored.
    /// </summary>
    public int TagServed(IEnumerable<InteractionEvent> events)
    {
        var flagged = 0;
        foreach (var e in events)
        {
            if (e.Type != EventType.Impression || e.RequestId is not { } id)
            {
                continue;
            }

            if (_versions.TryGetValue(id, out var version))
            {
                e.ModelVersion = version;
            }

            if (e.Position is { } position && _explored.TryGetValue(id, out var positions) && Array.IndexOf(positions, position) >= 0)
            {
                e.Explored = true;
                flagged++;
            }
        }

        return flagged;
    }
}
