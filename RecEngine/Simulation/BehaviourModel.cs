using RecEngine.Events;

namespace RecEngine.Simulation;

/// <summary>Where and when a slate is shown, and how its events are named.</summary>
internal readonly record struct SlateContext(int Day, DateTime At, int Device, int LocalHour, string RequestId);

/// <summary>
/// How a user responds to a slate. A position-based click model (Richardson et al. 2007; examination
/// (1 + position)^-0.7 after Joachims et al. 2017): each shown video is examined with a probability that
/// falls with its position, and an examined video is clicked with probability sigmoid(click logit + noise).
/// A click is watched for a fraction sigmoid(watch logit + noise) of its duration. Logits rise with the true
/// affinity (dot product of unit taste vectors), quality and freshness; the device tilts the appeal of long videos.
/// </summary>
internal sealed class BehaviourModel(GroundTruth world)
{
    public const double PositionBiasExponent = 0.7;
    public const double ClickNoise = 0.6;
    public const double WatchNoise = 1.2;

    /// <summary>Watches shorter than this fraction are abandoned: recorded as a skip instead of a watch.</summary>
    public const double SkipFraction = 0.1;

    /// <summary>How strongly tastes move toward the shifted topic in the taste-shift scenario.</summary>
    public const float TasteShiftStrength = 1.2f;

    private readonly int _shiftCategory = Array.FindIndex(world.Categories, c => c.Name == WorldTables.TasteShiftCategory);

    public GroundTruth World => world;

    /// <summary>Probability that a user looks at the video at this zero-based slate position.</summary>
    public static double Examination(int position) => Math.Pow(1 + position, -PositionBiasExponent);

    /// <summary>True affinity on a day: cosine of user and video taste, after any taste shift.</summary>
    public double Affinity(int user, int video, int day)
    {
        var u = world.UserVector(user);
        var v = world.VideoVector(video);
        var dot = VectorMath.Dot(u, v);
        if (!world.Scenario.ActiveOn(ScenarioKind.TasteShift, day))
        {
            return dot;
        }

        // u' = (u + s c) / |u + s c| with c the unit centre of the shifted category.
        var c = world.CategoryCentre(_shiftCategory);
        var s = TasteShiftStrength;
        var norm = Math.Sqrt(1 + s * s + 2 * s * VectorMath.Dot(u, c));
        return (dot + s * VectorMath.Dot(c, v)) / norm;
    }

    /// <summary>exp(-ln 2 age / half-life): 1 when new, halving every half-life of the video's category.</summary>
    public double Freshness(int video, DateTime at)
    {
        var age = (at - world.Start).TotalDays - world.UploadDay[video];
        return Math.Exp(-Math.Log(2) * Math.Max(0, age) / world.Categories[world.VideoCategory[video]].HalfLifeDays);
    }

    /// <summary>Noise-free click logit of an examined video.</summary>
    public double ClickLogit(int user, int video, int day, DateTime at, int device) =>
        -2.0 + 3.2 * Affinity(user, video, day) + 0.5 * world.Quality[video] + 0.8 * Freshness(video, at)
        + DeviceTilt(video, device) + world.ClickBias[user];

    /// <summary>Noise-free logit of the watched fraction of a clicked video; long videos are watched less of.</summary>
    public double WatchLogit(int user, int video, int day, int device) =>
        -0.5 + 2.2 * Affinity(user, video, day) + 0.4 * world.Quality[video]
        - 0.45 * LogLength(video) + DeviceTilt(video, device);

    /// <summary>
    /// Shows the slate: appends an impression per video and the clicks, watches, skips, likes, shares and
    /// hides that follow. Event ids are <c>e{day}-{user}-{n}</c> with <paramref name="eventCounter"/> as n, except
    /// impressions of a slate with a request id: <c>{request_id}:{position}</c>, as the pipeline logs them.
    /// Returns the seconds watched in the session (watches and skips), whose satisfaction drives the user's return in
    /// <see cref="VisitRates"/>.
    /// </summary>
    public double Respond(int user, ReadOnlySpan<int> slate, SlateContext context, SimRandom rng, List<InteractionEvent> output, ref int eventCounter)
    {
        var watched = 0.0;
        var dayEnd = world.DayStart(context.Day + 1).AddMilliseconds(-1);
        var cursor = context.At;
        for (var position = 0; position < slate.Length; position++)
        {
            var video = slate[position];
            var shownAt = context.At.AddMilliseconds(200 * position);
            Emit(output, context, user, video, position, ref eventCounter, EventType.Impression, 0, shownAt);
            var examined = rng.Chance(Examination(position));
            var clickLogit = ClickLogit(user, video, context.Day, context.At, context.Device);
            if (!examined || !rng.Chance(Sigmoid(clickLogit + ClickNoise * rng.NextGaussian())))
            {
                // Clearly unwanted videos that were looked at are sometimes hidden.
                if (examined && Affinity(user, video, context.Day) < 0.05 && rng.Chance(0.04))
                {
                    Emit(output, context, user, video, position, ref eventCounter, EventType.Hide, 0, Later(shownAt, 1000));
                }

                continue;
            }

            cursor = Later(cursor > shownAt ? cursor : shownAt, 2000);
            Emit(output, context, user, video, position, ref eventCounter, EventType.Click, 0, cursor);
            var fraction = Sigmoid(WatchLogit(user, video, context.Day, context.Device) + WatchNoise * rng.NextGaussian());
            // Rounded down to 0.1 s so a watch never exceeds the duration.
            var seconds = Math.Floor(fraction * world.DurationSeconds[video] * 10) / 10;
            cursor = Later(cursor, (long)(seconds * 1000));
            watched += seconds;
            if (fraction < SkipFraction)
            {
                Emit(output, context, user, video, position, ref eventCounter, EventType.Skip, seconds, cursor);
                continue;
            }

            Emit(output, context, user, video, position, ref eventCounter, EventType.Watch, seconds, cursor);
            var affinity = Affinity(user, video, context.Day);
            var appeal = 2.5 * affinity + 2.0 * fraction + 0.4 * world.Quality[video];
            if (rng.Chance(Sigmoid(-4.3 + appeal)))
            {
                Emit(output, context, user, video, position, ref eventCounter, EventType.Like, 0, cursor);
            }

            if (rng.Chance(Sigmoid(-6.8 + appeal)))
            {
                Emit(output, context, user, video, position, ref eventCounter, EventType.Share, 0, cursor);
            }

            cursor = Later(cursor, 3000);
        }

        return watched;

        // Events stay inside their simulated day, so the last day never reaches past the world's end.
        DateTime Later(DateTime from, long milliseconds)
        {
            var next = from.AddMilliseconds(milliseconds);
            return next > dayEnd ? dayEnd : next;
        }
    }

    private void Emit(List<InteractionEvent> output, in SlateContext context, int user, int video, int position, ref int eventCounter, EventType type, double watchSeconds, DateTime at) =>
        output.Add(new InteractionEvent
        {
            // An impression of a served slate takes the id the serving pipeline's impression log gives it, so the two
            // records of one showing are stored once.
            EventId = type == EventType.Impression && context.RequestId is { } requestId
                ? ImpressionId(requestId, position, ref eventCounter)
                : $"e{context.Day}-{user}-{eventCounter++}",
            UserId = world.UserIds[user],
            VideoId = world.VideoIds[video],
            Type = type,
            WatchSeconds = watchSeconds,
            Timestamp = at,
            Device = Catalog.User.Devices[context.Device],
            Hour = context.LocalHour,
            RequestId = context.RequestId,
            Position = position,
        });

    public static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static string ImpressionId(string requestId, int position, ref int eventCounter)
    {
        eventCounter++;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{requestId}:{position}");
    }

    private double LogLength(int video) => Math.Log(world.DurationSeconds[video] / 300.0);

    private double DeviceTilt(int video, int device) => WorldTables.DeviceLengthPreference[device] * LogLength(video);
}
