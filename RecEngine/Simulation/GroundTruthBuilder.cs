using RecEngine.Catalog;

namespace RecEngine.Simulation;

/// <summary>
/// Draws a <see cref="GroundTruth"/> from the options. Every entity has its own random stream keyed by
/// (seed, stream, index), so the world is the same whatever the thread count.
/// </summary>
internal static class GroundTruthBuilder
{
    private const long CategoryStream = 1, CreatorStream = 2, VideoStream = 3, UserStream = 4, FloodStream = 5;

    /// <summary>Users and videos whose favourite topics include the flood topic before any video serves it.</summary>
    private const double LatentFloodDemand = 0.35;

    public static GroundTruth Build(SimulationOptions options, DateTime start)
    {
        var scenario = Scenario.Parse(options.Scenario, options.ResolveSwitchDay());
        var k = options.Topics;
        var world = new GroundTruth(options, scenario, start, k);
        BuildCategories(world);
        var regularCreators = Math.Max(1, (int)Math.Ceiling(options.Videos / (double)options.VideosPerCreator));
        var floodVideos = scenario.Kind == ScenarioKind.ContentFlood ? (int)Math.Round(options.Videos * options.FloodVideoShare) : 0;
        var floodCreators = floodVideos == 0 ? 0 : Math.Max(1, floodVideos / options.VideosPerCreator);
        world.CreatorCount = regularCreators + floodCreators;
        var creatorCategory = new int[world.CreatorCount];
        var creatorMix = new float[world.CreatorCount * k];
        var creatorQuality = new float[world.CreatorCount];
        BuildCreators(world, regularCreators, creatorCategory, creatorMix, creatorQuality);
        BuildVideos(world, options.Videos, floodVideos, regularCreators, creatorCategory, creatorMix, creatorQuality);
        BuildUsers(world);
        return world;
    }

    private static void BuildCategories(GroundTruth world)
    {
        var k = world.Topics;
        world.Categories = [.. WorldTables.Categories, WorldTables.FloodCategory];
        world.CategoryCentres = new float[world.Categories.Length * k];
        // Regular categories use topics 0..k-2; the last topic belongs to the flood category alone.
        var rng = SimRandom.For(world.Options.Seed, CategoryStream);
        for (var c = 0; c < WorldTables.Categories.Length; c++)
        {
            var centre = world.CategoryCentres.AsSpan(c * k, k);
            var home = c % (k - 1);
            var second = (home + 1 + rng.NextInt(k - 2)) % (k - 1);
            centre[home] = 1f;
            centre[second] += 0.5f;
            VectorMath.Normalize(centre);
        }

        world.CategoryCentres[world.FloodCategory * k + k - 1] = 1f;
    }

    private static void BuildCreators(GroundTruth world, int regular, int[] category, float[] mix, float[] quality)
    {
        var k = world.Topics;
        var priors = WorldTables.Categories.Select(c => c.Prior).ToArray();
        for (var c = 0; c < category.Length; c++)
        {
            var rng = SimRandom.For(world.Options.Seed, CreatorStream, c);
            category[c] = c < regular ? rng.Pick(priors) : world.FloodCategory;
            var m = mix.AsSpan(c * k, k);
            world.CategoryCentre(category[c]).CopyTo(m);
            VectorMath.AddNoise(m, rng, 0.5);
            VectorMath.Normalize(m);
            quality[c] = (float)(0.3 * rng.NextGaussian());
        }
    }

    private static void BuildVideos(GroundTruth world, int regular, int flood, int regularCreators, int[] creatorCategory, float[] creatorMix, float[] creatorQuality)
    {
        var k = world.Topics;
        var options = world.Options;
        var total = regular + flood;
        var taste = new float[total * k];
        var qualityRaw = new float[total];
        var duration = new float[total];
        var upload = new double[total];
        var category = new short[total];
        var creator = new int[total];
        var priors = WorldTables.Categories.Select(c => c.Prior).ToArray();
        var floodDays = Math.Max(1, Math.Min(3, options.Days - world.Scenario.SwitchDay));
        Parallel.For(0, total, i =>
        {
            var isFlood = i >= regular;
            var rng = isFlood ? SimRandom.For(options.Seed, FloodStream, i - regular) : SimRandom.For(options.Seed, VideoStream, i);
            // Creators' output is heavy-tailed: low-numbered creators upload far more (u^2 skews toward 0).
            var u = rng.NextDouble();
            var c = isFlood
                ? regularCreators + (int)(u * u * (world.CreatorCount - regularCreators))
                : (int)(u * u * regularCreators);
            creator[i] = c;
            var cat = isFlood || rng.Chance(0.9) ? creatorCategory[c] : rng.Pick(priors);
            category[i] = (short)cat;
            var v = taste.AsSpan(i * k, k);
            if (cat == creatorCategory[c])
            {
                creatorMix.AsSpan(c * k, k).CopyTo(v);
            }
            else
            {
                world.CategoryCentre(cat).CopyTo(v);
            }

            VectorMath.AddNoise(v, rng, 0.45);
            VectorMath.Normalize(v);
            var profile = world.Categories[cat];
            duration[i] = (float)Math.Round(Math.Clamp(rng.NextLogNormal(profile.MedianSeconds, profile.DurationSigma), 5, 6 * 3600), 1);
            // Exponential log-quality: exp(q) is Pareto with alpha 1.5, the heavy tail of appeal and views.
            qualityRaw[i] = (float)(Math.Min(rng.NextExponential(1.5), 5) - 1 / 1.5 + creatorQuality[c] + (isFlood ? 0.3 : 0));
            upload[i] = isFlood
                ? world.Scenario.SwitchDay + rng.NextDouble() * floodDays
                : rng.Chance(options.PreexistingVideoShare)
                    ? -Math.Min(rng.NextExponential(1 / 20.0), 365) - 1e-6
                    : rng.NextDouble() * options.Days;
        });

        // Number videos in upload order (ties by draw order) so availability is a prefix.
        var order = Enumerable.Range(0, total).ToArray();
        Array.Sort(order, (a, b) => upload[a] != upload[b] ? upload[a].CompareTo(upload[b]) : a.CompareTo(b));
        world.VideoTaste = new float[total * k];
        world.Quality = new float[total];
        world.DurationSeconds = new float[total];
        world.UploadDay = new double[total];
        world.VideoCategory = new short[total];
        world.VideoCreator = new int[total];
        world.LegacyViews = new int[total];
        world.VideoIds = new string[total];
        for (var j = 0; j < total; j++)
        {
            var i = order[j];
            taste.AsSpan(i * k, k).CopyTo(world.VideoTaste.AsSpan(j * k, k));
            world.Quality[j] = qualityRaw[i];
            world.DurationSeconds[j] = duration[i];
            world.UploadDay[j] = upload[i];
            world.VideoCategory[j] = category[i];
            world.VideoCreator[j] = creator[i];
            world.VideoIds[j] = "v" + j.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Views before day 0 grow with appeal and with time online: the popularity the platform starts from.
            world.LegacyViews[j] = upload[i] < 0 ? (int)Math.Min(1e7, 2 * Math.Exp(1.5 * qualityRaw[i]) * Math.Sqrt(-upload[i])) : 0;
        }

        world.AvailableAtDayStart = new int[options.Days + 1];
        for (var d = 0; d <= options.Days; d++)
        {
            var index = Array.BinarySearch(world.UploadDay, (double)d);
            world.AvailableAtDayStart[d] = index >= 0 ? index : ~index;
        }
    }

    private static void BuildUsers(GroundTruth world)
    {
        var k = world.Topics;
        var options = world.Options;
        var n = options.Users;
        world.UserIds = new string[n];
        world.UserTaste = new float[n * k];
        world.Activity = new float[n];
        world.ClickBias = new float[n];
        world.PrimaryDevice = new byte[n];
        world.Country = new byte[n];
        world.AgeBucket = new byte[n];
        world.SignedUpAt = new DateTime[n];
        var countryShares = WorldTables.Countries.Select(c => c.Share).ToArray();
        const double activitySigma = 1.1;
        Parallel.For(0, n, u =>
        {
            var rng = SimRandom.For(options.Seed, UserStream, u);
            world.UserIds[u] = "u" + u.ToString(System.Globalization.CultureInfo.InvariantCulture);
            world.Country[u] = (byte)rng.Pick(countryShares);
            var age = rng.Pick(WorldTables.AgeShares);
            world.AgeBucket[u] = (byte)age;
            world.PrimaryDevice[u] = (byte)rng.Pick(WorldTables.DeviceShares);
            // Mean-one log-normal (median e^(-sigma^2/2)): heavy-tailed activity with the configured mean.
            world.Activity[u] = (float)(options.MeanSessionsPerUserDay * rng.NextLogNormal(Math.Exp(-activitySigma * activitySigma / 2), activitySigma));
            world.ClickBias[u] = (float)(0.4 * rng.NextGaussian());
            world.SignedUpAt[u] = world.Start.AddDays(-1 - Math.Min(rng.NextExponential(1 / 400.0), 3000)).AddMilliseconds(-rng.NextInt(86_400_000));
            world.SignedUpAt[u] = world.SignedUpAt[u].AddTicks(-(world.SignedUpAt[u].Ticks % TimeSpan.TicksPerMillisecond));
            var t = world.UserTaste.AsSpan(u * k, k);
            Span<double> weights = stackalloc double[WorldTables.Categories.Length];
            for (var c = 0; c < weights.Length; c++)
            {
                weights[c] = WorldTables.Categories[c].Prior * AgeAffinity(age, WorldTables.Categories[c].Name);
            }

            var favourites = 1 + Math.Min(2, rng.NextPoisson(0.8));
            for (var f = 0; f < favourites; f++)
            {
                var c = rng.Pick(weights);
                weights[c] = 0;
                VectorMath.AddScaled(t, world.CategoryCentre(c), (float)(0.5 + rng.NextDouble()));
            }

            if (rng.Chance(LatentFloodDemand))
            {
                t[k - 1] += 0.9f;
            }

            VectorMath.AddNoise(t, rng, 0.35);
            VectorMath.Normalize(t);
        });
    }

    /// <summary>Age tilts which categories a user favours (teenagers game, older users read news).</summary>
    private static double AgeAffinity(int ageBucket, string category) => (ageBucket, category) switch
    {
        (0 or 1, "gaming" or "music" or "comedy") => 2.0,
        (0, "kids") => 2.0,
        (4 or 5, "news" or "autos" or "cooking") => 2.0,
        (4 or 5, "gaming") => 0.4,
        _ => 1.0,
    };
}
