namespace RecEngine.Retrieval;

/// <summary>
/// Trained implicit-ALS factors: row-major user and item matrices (rows x <see cref="Factors"/>), and the
/// item Gramian YtY kept for fold-in. Immutable once trained. The item factors are float32 as trained, or float16 in a
/// serving model (<see cref="ItemFactorPrecision"/>), read through <see cref="Items"/>.
/// </summary>
internal sealed class AlsModel
{
    private readonly double[] _itemGramian;

    internal AlsModel(int users, int items, int factors, double regularization, float[] userFactors, float[] itemFactors, double[] itemGramian)
        : this(users, factors, regularization, userFactors, ItemFactorStore.Of(itemFactors, factors), itemGramian)
    {
        if (items != Items.Count)
        {
            throw new ArgumentException($"Expected {items} x {factors} item factors, got {itemFactors.Length}.", nameof(itemFactors));
        }
    }

    internal AlsModel(int users, int factors, double regularization, float[] userFactors, ItemFactorStore items, double[] itemGramian)
    {
        if (items.Factors != factors)
        {
            throw new ArgumentException($"The item factors have {items.Factors} columns, the model {factors}.", nameof(items));
        }

        UserCount = users;
        ItemCount = items.Count;
        Factors = factors;
        Regularization = regularization;
        UserFactors = userFactors;
        Items = items;
        _itemGramian = itemGramian;
    }

    public int UserCount { get; }

    public int ItemCount { get; }

    public int Factors { get; }

    public double Regularization { get; }

    public float[] UserFactors { get; }

    /// <summary>The item factors, float32 or float16.</summary>
    public ItemFactorStore Items { get; }

    /// <summary>The float32 item factors of a trained model, which training fills in place; a float16 model has none.</summary>
    public float[] ItemFactors => Items.SingleMatrix
        ?? throw new InvalidOperationException("This model holds its item factors as float16: read them through Items.");

    /// <summary>Y^T Y of the item factors (row-major, Factors x Factors), kept for fold-in and saved with the model.</summary>
    internal double[] ItemGramian => _itemGramian;

    public ReadOnlySpan<float> UserVector(int user) => UserFactors.AsSpan(user * Factors, Factors);

    /// <summary>Item <paramref name="item"/>'s vector in float32: the row itself, or converted into <paramref name="buffer"/> (at least <see cref="Factors"/> long).</summary>
    public ReadOnlySpan<float> ItemVector(int item, Span<float> buffer) => Items.Row(item, buffer);

    /// <summary>The inner product of <paramref name="query"/> with item <paramref name="item"/>'s vector, in float32.</summary>
    public float ItemDot(ReadOnlySpan<float> query, int item) => Items.Dot(query, item);

    /// <summary>
    /// A user vector from a history, item factors fixed: the same least-squares step as a full ALS user
    /// update, so a new watch moves the vector without retraining and an unseen user gets one. Repeated
    /// items are combined as in training; an empty history gives the zero vector.
    /// </summary>
    public float[] FoldIn(ReadOnlySpan<int> items, ReadOnlySpan<float> confidences)
    {
        if (items.Length != confidences.Length)
        {
            throw new ArgumentException("One confidence per item.", nameof(confidences));
        }

        var merged = new SortedDictionary<int, float>();
        for (var n = 0; n < items.Length; n++)
        {
            if ((uint)items[n] >= (uint)ItemCount)
            {
                throw new ArgumentOutOfRangeException(nameof(items), $"Item {items[n]} is not in the model.");
            }

            merged[items[n]] = merged.TryGetValue(items[n], out var c) ? c + confidences[n] - 1f : confidences[n];
        }

        var result = new float[Factors];
        var columns = merged.Keys.ToArray();
        float[] fixedFactors;
        if (Items.SingleMatrix is { } single)
        {
            fixedFactors = single;
        }
        else
        {
            // The solve reads only the history's rows: those alone are converted, and the columns renumbered to them.
            fixedFactors = new float[columns.Length * Factors];
            for (var n = 0; n < columns.Length; n++)
            {
                Items.CopyRow(columns[n], fixedFactors.AsSpan(n * Factors, Factors));
                columns[n] = n;
            }
        }

        ImplicitLeastSquares.Solve(
            _itemGramian, fixedFactors, Factors, Regularization,
            columns, merged.Values.ToArray(), result, new ImplicitLeastSquares.Workspace(Factors));
        return result;
    }

    /// <summary>ALS factors and the item Gramian, little-endian floats and doubles after a small header.</summary>
    public void Save(string path)
    {
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write("RECALS1");
        writer.Write(UserCount);
        writer.Write(ItemCount);
        writer.Write(Factors);
        writer.Write(Regularization);
        foreach (var x in UserFactors)
        {
            writer.Write(x);
        }

        foreach (var x in Items.ToSingle())
        {
            writer.Write(x);
        }

        foreach (var x in ItemGramian)
        {
            writer.Write(x);
        }
    }

    public static AlsModel Load(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadString() != "RECALS1")
        {
            throw new InvalidDataException($"{path} is not an ALS model file.");
        }

        var users = reader.ReadInt32();
        var items = reader.ReadInt32();
        var factors = reader.ReadInt32();
        var regularization = reader.ReadDouble();
        var userFactors = new float[users * factors];
        for (var i = 0; i < userFactors.Length; i++)
        {
            userFactors[i] = reader.ReadSingle();
        }

        var itemFactors = new float[items * factors];
        for (var i = 0; i < itemFactors.Length; i++)
        {
            itemFactors[i] = reader.ReadSingle();
        }

        var gramian = new double[factors * factors];
        for (var i = 0; i < gramian.Length; i++)
        {
            gramian[i] = reader.ReadDouble();
        }

        return new AlsModel(users, items, factors, regularization, userFactors, itemFactors, gramian);
    }
}
