namespace RecEngine.Simulation;

/// <summary>
/// The taste rating model: users choose what to rate from the catalog the way MovieLens users do, by their own
/// taste and the movie's popularity, not by what a platform showed them. A rater picks each next movie among those
/// uploaded by then and not yet rated, with P(movie) ∝ exp(quality)^a · exp(affinity / τ) (a multinomial-logit
/// choice, McFadden 1974), where affinity is the world's true affinity on that day (so a taste shift moves it) and
/// exp(quality) its heavy-tailed appeal. The stars follow the true affinity plus the user's leniency and noise.
/// Sampling without replacement uses the Gumbel-top-k trick (Kool, van Hoof &amp; Welling 2019; equivalent to
/// Efraimidis &amp; Spirakis 2006): the videos sorted by log-weight plus a Gumbel draw are a weighted sample without
/// replacement, and each rating takes the first unrated video in that order uploaded by its time. Over a fixed catalog
/// that is exact; a video uploaded later enters the order where its draw puts it.
/// Every user has its own random stream, so the result is the same whatever the thread count.
/// </summary>
internal sealed class TasteRatingChoice(BehaviourModel behaviour, TasteRatingParameters parameters)
{
    private const long RaterStream = 31;

    public List<SimulatedRating> Ratings(CancellationToken cancellationToken)
    {
        var perUser = new List<SimulatedRating>?[behaviour.World.UserCount];
        Parallel.For(0, perUser.Length, new ParallelOptions { CancellationToken = cancellationToken }, user => perUser[user] = RatingsOf(user));
        return [.. perUser.Where(r => r is not null).SelectMany(r => r!)];
    }

    /// <summary>One user's ratings in time order, or null when the user rates nothing.</summary>
    public List<SimulatedRating>? RatingsOf(int user)
    {
        var world = behaviour.World;
        var rng = SimRandom.For(world.Options.Seed, RaterStream, user);
        if (!rng.Chance(parameters.RaterShare))
        {
            return null;
        }

        var count = parameters.MinRatings + (int)Math.Floor(rng.NextLogNormal(parameters.ExtraRatingsMedian, parameters.ExtraRatingsSigma));
        var halfStars = rng.Chance(parameters.HalfStarUserShare);
        var leniency = parameters.UserLeniencySigma * rng.NextGaussian();

        // The user joins on a uniform day and rates at uniform times from then to the world's end.
        var joined = rng.NextDouble() * world.Days;
        var times = new double[count];
        for (var i = 0; i < count; i++)
        {
            times[i] = joined + (rng.NextDouble() * (world.Days - joined));
        }

        Array.Sort(times);
        var gumbel = new double[world.VideoCount];
        for (var v = 0; v < gumbel.Length; v++)
        {
            // u in (0, 1): -log(-log u) is a standard Gumbel draw.
            var u = (rng.NextDouble() * (1 - 2e-16)) + 1e-16;
            gumbel[v] = -Math.Log(-Math.Log(u));
        }

        var orders = new int[2][];
        var rated = new bool[world.VideoCount];
        var ratings = new List<SimulatedRating>(count);
        foreach (var time in times)
        {
            var at = world.Start.AddMilliseconds(Math.Floor(time * 86_400_000));
            var day = Math.Min(world.Days - 1, (int)time);
            var shifted = world.Scenario.ActiveOn(ScenarioKind.TasteShift, day);
            var order = orders[shifted ? 1 : 0] ??= ChoiceOrder(user, day, gumbel);
            var available = world.AvailableAt(at);
            var video = FirstUnrated(order, available, rated);
            if (video < 0)
            {
                continue;
            }

            rated[video] = true;
            ratings.Add(new SimulatedRating(user, video, Stars(behaviour.Affinity(user, video, day), world.Quality[video], leniency, halfStars, rng), at));
        }

        return ratings;
    }

    /// <summary>The stars a user gives: linear in true affinity and quality, plus leniency and noise, rounded to the user's precision.</summary>
    public double Stars(double affinity, double quality, double leniency, bool halfStars, SimRandom rng)
    {
        var latent = parameters.StarsAtTypicalAffinity + (parameters.StarsPerAffinity * (affinity - parameters.TypicalAffinity))
            + (parameters.StarsPerQuality * quality) + leniency + (parameters.StarNoise * rng.NextGaussian());
        return halfStars ? Math.Clamp(Math.Round(latent * 2) / 2, 0.5, 5) : Math.Clamp(Math.Round(latent), 1, 5);
    }

    /// <summary>Videos by log-weight plus the user's Gumbel draws, best first.</summary>
    private int[] ChoiceOrder(int user, int day, double[] gumbel)
    {
        var world = behaviour.World;
        var keys = new double[world.VideoCount];
        var order = new int[world.VideoCount];
        for (var v = 0; v < keys.Length; v++)
        {
            // Negated so that an ascending sort puts the largest key first.
            keys[v] = -((parameters.PopularityExponent * world.Quality[v]) + (behaviour.Affinity(user, v, day) / parameters.TasteTemperature) + gumbel[v]);
            order[v] = v;
        }

        Array.Sort(keys, order);
        return order;
    }

    private static int FirstUnrated(int[] order, int available, bool[] rated)
    {
        foreach (var video in order)
        {
            // Videos are numbered in upload order, so those uploaded by now are the indexes below `available`.
            if (video < available && !rated[video])
            {
                return video;
            }
        }

        return -1;
    }
}
