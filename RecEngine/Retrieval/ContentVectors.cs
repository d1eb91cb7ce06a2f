namespace RecEngine.Retrieval;

/// <summary>What a video shares with others, for placing it in factor space before anyone watched it.</summary>
internal sealed record ItemMetadata(string? Category, IReadOnlyList<string> Tags, string? Creator);

/// <summary>Weights of the metadata groups, and of the thumbnail's projected vector, in a content-based vector.</summary>
internal sealed record ContentWeights(double Creator = 3.0, double Category = 1.0, double Tags = 2.0, double Thumbnail = 3.0);

/// <summary>
/// Content-based vectors for items without interactions, so the whole catalog is searchable: the weighted
/// mean of the mean factors of trained items sharing the creator, the category and each tag (the tag weight
/// is split evenly over the item's tags that have trained members). Groups without trained members are left
/// out; an item sharing nothing gets the mean of all trained items. With <c>visual</c>, an item's thumbnail adds its
/// projected vector (<see cref="VisualProjection"/>) with the weight <see cref="ContentWeights.Thumbnail"/>. Trained rows
/// are returned unchanged.
/// </summary>
internal static class ContentVectors
{
    public static float[] Fill(
        IReadOnlyList<ItemMetadata> items, float[] itemFactors, int factors, ReadOnlySpan<bool> trained, ContentWeights? weights = null, IReadOnlyList<float[]?>? visual = null)
    {
        weights ??= new ContentWeights();
        if (items.Count != trained.Length || (long)items.Count * factors != itemFactors.Length)
        {
            throw new ArgumentException("One metadata entry, one trained flag and one factor row per item.");
        }

        var creators = new Dictionary<string, Mean>(StringComparer.Ordinal);
        var categories = new Dictionary<string, Mean>(StringComparer.Ordinal);
        var tags = new Dictionary<string, Mean>(StringComparer.Ordinal);
        var all = new Mean(factors);
        for (var i = 0; i < items.Count; i++)
        {
            if (!trained[i])
            {
                continue;
            }

            var row = itemFactors.AsSpan(i * factors, factors);
            all.Add(row);
            Group(creators, items[i].Creator, factors)?.Add(row);
            Group(categories, items[i].Category, factors)?.Add(row);
            foreach (var tag in items[i].Tags.Distinct(StringComparer.Ordinal))
            {
                Group(tags, tag, factors)?.Add(row);
            }
        }

        var result = (float[])itemFactors.Clone();
        var sum = new double[factors];
        for (var i = 0; i < items.Count; i++)
        {
            if (trained[i])
            {
                continue;
            }

            Array.Clear(sum);
            var total = 0.0;
            total += Accumulate(sum, Find(creators, items[i].Creator), weights.Creator);
            total += Accumulate(sum, Find(categories, items[i].Category), weights.Category);
            var tagMeans = items[i].Tags.Distinct(StringComparer.Ordinal).Select(t => Find(tags, t)).Where(m => m is not null).ToList();
            foreach (var mean in tagMeans)
            {
                total += Accumulate(sum, mean, weights.Tags / tagMeans.Count);
            }

            if (visual?[i] is { } projected && weights.Thumbnail > 0.0)
            {
                for (var k = 0; k < factors; k++)
                {
                    sum[k] += weights.Thumbnail * projected[k];
                }

                total += weights.Thumbnail;
            }

            if (total == 0.0)
            {
                total = Accumulate(sum, all.Count > 0 ? all : null, 1.0);
            }

            var target = result.AsSpan(i * factors, factors);
            for (var k = 0; k < factors; k++)
            {
                target[k] = total > 0.0 ? (float)(sum[k] / total) : 0f;
            }
        }

        return result;
    }

    /// <summary>
    /// <see cref="Fill"/> with thumbnails: fits the <see cref="VisualProjection"/> on the trained items that have an
    /// embedding and places the untrained items by their metadata and their thumbnail. The projection is null, and
    /// thumbnails unused, when too few items have one or it explains less than <paramref name="minimumR2"/> of the
    /// held-out factors' variance; <paramref name="fitted"/> hears of it either way, for the training log.
    /// </summary>
    public static (float[] Filled, VisualProjection? Projection) FillWithThumbnails(
        IReadOnlyList<ItemMetadata> items, float[] itemFactors, int factors, bool[] trained, IReadOnlyList<float[]?>? embeddings, ContentWeights? weights = null, int[]? support = null,
        Action<VisualProjection>? fitted = null, double minimumR2 = VisualProjection.MinimumHeldOutR2)
    {
        var projection = embeddings is null ? null : VisualProjection.Fit(embeddings, itemFactors, factors, trained, support);
        if (projection is not null)
        {
            fitted?.Invoke(projection);
            projection = projection.HeldOutR2 >= minimumR2 ? projection : null;
        }

        var visual = projection is null ? null : Untrained(projection, embeddings!, trained);
        return (Fill(items, itemFactors, factors, trained, weights, visual), projection);
    }

    /// <summary>The projected vectors of the untrained items that have an embedding (null for the others).</summary>
    public static float[]?[] Untrained(VisualProjection projection, IReadOnlyList<float[]?> embeddings, ReadOnlySpan<bool> trained)
    {
        var visual = new float[]?[embeddings.Count];
        for (var i = 0; i < visual.Length; i++)
        {
            visual[i] = !trained[i] && embeddings[i] is { } e ? projection.Project(e) : null;
        }

        return visual;
    }

    private static Mean? Group(Dictionary<string, Mean> groups, string? key, int factors)
    {
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        if (!groups.TryGetValue(key, out var mean))
        {
            mean = new Mean(factors);
            groups[key] = mean;
        }

        return mean;
    }

    private static Mean? Find(Dictionary<string, Mean> groups, string? key) =>
        !string.IsNullOrEmpty(key) && groups.TryGetValue(key, out var mean) ? mean : null;

    /// <summary>sum += weight * mean; returns the weight used (0 when the group is absent).</summary>
    private static double Accumulate(double[] sum, Mean? mean, double weight)
    {
        if (mean is null || weight <= 0.0)
        {
            return 0.0;
        }

        for (var k = 0; k < sum.Length; k++)
        {
            sum[k] += weight * mean.Sum[k] / mean.Count;
        }

        return weight;
    }

    private sealed class Mean(int factors)
    {
        public double[] Sum { get; } = new double[factors];

        public int Count { get; private set; }

        public void Add(ReadOnlySpan<float> row)
        {
            for (var k = 0; k < row.Length; k++)
            {
                Sum[k] += row[k];
            }

            Count++;
        }
    }
}
