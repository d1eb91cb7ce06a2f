namespace RecEngine.Retrieval;

/// <summary>
/// What people who watched a video also watched, learned from one training window: per video, its most co-watched
/// videos by association-rule confidence conf(i -> j) = |U_i ∩ U_j| / |U_i| (Agrawal, Imieliński &amp; Swami 1993;
/// item-based top-N, Deshpande &amp; Karypis 2004), and each video's count of distinct watchers |U_i|. Unlike a
/// cosine, confidence keeps the popularity of j, which is what a next watch mostly follows. Rows are held as one
/// compressed sparse row table (offsets, neighbours, confidences), so a million videos cost three arrays.
/// A user's score for a candidate is the sum of its confidences from the user's latest distinct watches
/// (<see cref="Scores"/>): the co-occurrence signal candidate generation proposes from and the ranker reads.
/// </summary>
internal sealed class CoWatchTable
{
    /// <summary>Latest distinct watches a user's score sums over.</summary>
    public const int SeedCount = 20;

    /// <summary>Co-watched videos kept per video: 100 rows of 8 bytes cost 0.8 KB a video.</summary>
    public const int DefaultNeighbours = 100;

    /// <summary>
    /// The fewest users a pair must share to be kept (an association rule's support, Agrawal et al. 1993): a pair
    /// watched together once is mostly chance, and in a sparse catalog such pairs would fill every row.
    /// </summary>
    public const int MinSupport = 2;

    private const string Magic = "RECCOW1";

    private readonly int[] _offsets;
    private readonly int[] _neighbours;
    private readonly float[] _confidence;

    public CoWatchTable(int[] watchers, int[] offsets, int[] neighbours, float[] confidence)
    {
        if (offsets.Length != watchers.Length + 1 || neighbours.Length != confidence.Length || offsets[^1] != neighbours.Length)
        {
            throw new ArgumentException("The co-watch rows do not match their offsets.");
        }

        Watchers = watchers;
        _offsets = offsets;
        _neighbours = neighbours;
        _confidence = confidence;
    }

    /// <summary>No video has co-watches (a catalog nobody watched yet).</summary>
    public static CoWatchTable Empty(int videos) => new(new int[videos], new int[videos + 1], [], []);

    /// <summary>Per video index, how many distinct users watched it in the window.</summary>
    public int[] Watchers { get; }

    /// <summary>Bytes of the table's arrays.</summary>
    public long MemoryBytes => ((long)Watchers.Length + _offsets.Length + _neighbours.Length) * sizeof(int) + ((long)_confidence.Length * sizeof(float));

    public int VideoCount => Watchers.Length;

    /// <summary>Co-watched videos of <paramref name="video"/>, most confident first.</summary>
    public ReadOnlySpan<int> Neighbours(int video) => _neighbours.AsSpan(_offsets[video], _offsets[video + 1] - _offsets[video]);

    public ReadOnlySpan<float> Confidences(int video) => _confidence.AsSpan(_offsets[video], _offsets[video + 1] - _offsets[video]);

    /// <summary>
    /// Builds the table from (user, video) pairs with positive engagement, ordered by user (as
    /// <see cref="RetrievalTrainer.Interactions"/> returns them). Each user counts at most
    /// <paramref name="maxPerUser"/> of their videos, so one heavy user cannot cost a square of their history.
    /// </summary>
    public static CoWatchTable Build(IReadOnlyList<Interaction> interactions, int userCount, int videoCount, int neighbours, int maxPerUser = 500, int? threads = null)
    {
        var perUser = new int[userCount];
        foreach (var i in interactions)
        {
            perUser[i.User]++;
        }

        var userStart = new int[userCount + 1];
        for (var u = 0; u < userCount; u++)
        {
            userStart[u + 1] = userStart[u] + Math.Min(perUser[u], maxPerUser);
        }

        var itemsOfUser = new int[userStart[userCount]];
        var filled = new int[userCount];
        var usersOfItem = new List<int>[videoCount];
        foreach (var i in interactions)
        {
            if (filled[i.User] >= userStart[i.User + 1] - userStart[i.User])
            {
                continue;
            }

            itemsOfUser[userStart[i.User] + filled[i.User]++] = i.Item;
            (usersOfItem[i.Item] ??= []).Add(i.User);
        }

        var watchers = new int[videoCount];
        for (var v = 0; v < videoCount; v++)
        {
            watchers[v] = usersOfItem[v]?.Count ?? 0;
        }

        var rows = new (int[] Items, float[] Confidence)[videoCount];
        Parallel.For(
            0,
            videoCount,
            new ParallelOptions { MaxDegreeOfParallelism = threads ?? Environment.ProcessorCount },
            () => (Counts: new int[videoCount], Touched: new List<int>()),
            (item, _, local) =>
            {
                var users = usersOfItem[item];
                if (users is null)
                {
                    rows[item] = ([], []);
                    return local;
                }

                foreach (var u in users)
                {
                    for (var n = userStart[u]; n < userStart[u + 1]; n++)
                    {
                        var j = itemsOfUser[n];
                        if (j != item && local.Counts[j]++ == 0)
                        {
                            local.Touched.Add(j);
                        }
                    }
                }

                // Most co-watched first, ties to the lower index; then reset the counters this row touched.
                var touched = local.Touched;
                var counts = local.Counts;
                touched.Sort((a, b) => counts[a] != counts[b] ? counts[b].CompareTo(counts[a]) : a.CompareTo(b));
                var keep = Math.Min(neighbours, touched.Count);
                while (keep > 0 && counts[touched[keep - 1]] < MinSupport)
                {
                    keep--;
                }

                var items = new int[keep];
                var confidence = new float[keep];
                for (var k = 0; k < keep; k++)
                {
                    items[k] = touched[k];
                    confidence[k] = counts[touched[k]] / (float)users.Count;
                }

                foreach (var j in touched)
                {
                    counts[j] = 0;
                }

                touched.Clear();
                rows[item] = (items, confidence);
                return local;
            },
            _ => { });

        return FromRows(watchers, rows);
    }

    private static CoWatchTable FromRows(int[] watchers, (int[] Items, float[] Confidence)[] rows)
    {
        var offsets = new int[rows.Length + 1];
        for (var v = 0; v < rows.Length; v++)
        {
            offsets[v + 1] = offsets[v] + rows[v].Items.Length;
        }

        var neighbours = new int[offsets[^1]];
        var confidence = new float[offsets[^1]];
        for (var v = 0; v < rows.Length; v++)
        {
            rows[v].Items.CopyTo(neighbours, offsets[v]);
            rows[v].Confidence.CopyTo(confidence, offsets[v]);
        }

        return new CoWatchTable(watchers, offsets, neighbours, confidence);
    }

    /// <summary>
    /// Adds to <paramref name="scores"/>, per video, the sum of its confidences from the first <see cref="SeedCount"/>
    /// distinct videos of <paramref name="recent"/> (newest first); seeds outside the table count nothing.
    /// </summary>
    public void Scores(IReadOnlyList<int> recent, Dictionary<int, float> scores)
    {
        Span<int> seen = stackalloc int[SeedCount];
        var seeds = 0;
        for (var r = 0; r < recent.Count && seeds < SeedCount; r++)
        {
            var seed = recent[r];
            if ((uint)seed >= (uint)VideoCount || seen[..seeds].Contains(seed))
            {
                continue;
            }

            seen[seeds++] = seed;
            var items = Neighbours(seed);
            var confidence = Confidences(seed);
            for (var k = 0; k < items.Length; k++)
            {
                scores[items[k]] = scores.GetValueOrDefault(items[k]) + confidence[k];
            }
        }
    }

    /// <summary>
    /// The table for another catalog order: <paramref name="currentOf"/>[row] is the current index of the video the
    /// table's row was trained as (-1: no longer in the catalog). Videos new since training have no row.
    /// </summary>
    public CoWatchTable Remap(long[] currentOf, int currentCount)
    {
        var watchers = new int[currentCount];
        var rows = new (int[] Items, float[] Confidence)[currentCount];
        Array.Fill(rows, ([], []));
        for (var row = 0; row < VideoCount; row++)
        {
            if (currentOf[row] < 0)
            {
                continue;
            }

            var v = (int)currentOf[row];
            watchers[v] = Watchers[row];
            var items = new List<int>(Neighbours(row).Length);
            var confidence = new List<float>(items.Capacity);
            var trainedItems = Neighbours(row);
            var trainedConfidence = Confidences(row);
            for (var k = 0; k < trainedItems.Length; k++)
            {
                if (currentOf[trainedItems[k]] >= 0)
                {
                    items.Add((int)currentOf[trainedItems[k]]);
                    confidence.Add(trainedConfidence[k]);
                }
            }

            rows[v] = ([.. items], [.. confidence]);
        }

        return FromRows(watchers, rows);
    }

    public void Save(string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(Magic);
        writer.Write(VideoCount);
        writer.Write(_neighbours.Length);
        foreach (var x in Watchers)
        {
            writer.Write(x);
        }

        foreach (var x in _offsets)
        {
            writer.Write(x);
        }

        foreach (var x in _neighbours)
        {
            writer.Write(x);
        }

        foreach (var x in _confidence)
        {
            writer.Write(x);
        }
    }

    public static CoWatchTable Load(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadString() != Magic)
        {
            throw new InvalidDataException($"{path} is not a co-watch table.");
        }

        var videos = reader.ReadInt32();
        var entries = reader.ReadInt32();
        int[] Ints(int n)
        {
            var a = new int[n];
            for (var i = 0; i < n; i++)
            {
                a[i] = reader.ReadInt32();
            }

            return a;
        }

        var watchers = Ints(videos);
        var offsets = Ints(videos + 1);
        var neighbours = Ints(entries);
        var confidence = new float[entries];
        for (var i = 0; i < entries; i++)
        {
            confidence[i] = reader.ReadSingle();
        }

        return new CoWatchTable(watchers, offsets, neighbours, confidence);
    }
}
