namespace RecEngine.Monitoring;

/// <summary>
/// A uniform sample of at most <see cref="Capacity"/> values from a stream of unknown length: Vitter's
/// Algorithm R (Vitter 1985, "Random sampling with a reservoir"). The t-th value (0-based) replaces a
/// random slot with probability Capacity / (t + 1), so every value seen so far is kept with equal
/// probability. Seeded, so a run is reproducible. Not thread-safe; callers lock.
/// </summary>
internal sealed class ReservoirSample
{
    private readonly double[] _items;
    private readonly Random _random;
    private long _seen;

    public ReservoirSample(int capacity, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new double[capacity];
        _random = new Random(seed);
    }

    public int Capacity => _items.Length;

    /// <summary>Values offered so far (may exceed the capacity).</summary>
    public long Seen => _seen;

    /// <summary>Values held: min(Seen, Capacity).</summary>
    public int Count => (int)Math.Min(_seen, _items.Length);

    public void Add(double value)
    {
        if (_seen < _items.Length)
        {
            _items[_seen] = value;
        }
        else
        {
            var slot = _random.NextInt64(_seen + 1);
            if (slot < _items.Length)
            {
                _items[slot] = value;
            }
        }

        _seen++;
    }

    /// <summary>A copy of the values held, in reservoir order.</summary>
    public double[] ToArray() => _items.AsSpan(0, Count).ToArray();
}
