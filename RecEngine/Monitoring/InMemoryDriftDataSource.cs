namespace RecEngine.Monitoring;

/// <summary>
/// Tumbling live windows held in memory: numeric values go into a seeded reservoir (Algorithm R) of
/// bounded size per feature, categorical values into counts. <see cref="TakeWindow"/> hands the window
/// over and starts an empty one. One lock guards the window; recording is a few nanoseconds under it.
/// </summary>
internal sealed class InMemoryDriftDataSource : IDriftDataSource
{
    private readonly object _gate = new();
    private readonly int _capacity;
    private readonly Random _seeds;
    private readonly TimeProvider _time;
    private Dictionary<string, ReservoirSample> _numeric = new(StringComparer.Ordinal);
    private Dictionary<string, Dictionary<string, long>> _categorical = new(StringComparer.Ordinal);
    private DateTimeOffset _start;
    private volatile ReferenceProfile? _reference;

    public InMemoryDriftDataSource(int windowCapacity, TimeProvider time, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowCapacity, 1);
        _capacity = windowCapacity;
        _time = time;
        _seeds = new Random(seed);
        _start = time.GetUtcNow();
    }

    public ReferenceProfile? Reference => _reference;

    /// <summary>Sets the reference to compare against (a model was promoted).</summary>
    public void SetReference(ReferenceProfile? reference) => _reference = reference;

    public void Record(string feature, double value)
    {
        lock (_gate)
        {
            NumericReservoir(feature).Add(value);
        }
    }

    public void Record(string feature, ReadOnlySpan<double> values)
    {
        lock (_gate)
        {
            var reservoir = NumericReservoir(feature);
            foreach (var v in values)
            {
                reservoir.Add(v);
            }
        }
    }

    public void Record(string feature, string category, long count = 1)
    {
        lock (_gate)
        {
            if (!_categorical.TryGetValue(feature, out var counts))
            {
                counts = new Dictionary<string, long>(StringComparer.Ordinal);
                _categorical[feature] = counts;
            }

            counts[category] = counts.GetValueOrDefault(category) + count;
        }
    }

    public LiveWindow TakeWindow()
    {
        Dictionary<string, ReservoirSample> numeric;
        Dictionary<string, Dictionary<string, long>> categorical;
        DateTimeOffset start, end = _time.GetUtcNow();
        lock (_gate)
        {
            (numeric, categorical, start) = (_numeric, _categorical, _start);
            _numeric = new Dictionary<string, ReservoirSample>(StringComparer.Ordinal);
            _categorical = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
            _start = end;
        }

        // The old window is no longer reachable by writers, so it is read outside the lock.
        return new LiveWindow
        {
            Start = start,
            End = end,
            Numeric = numeric.ToDictionary(kv => kv.Key, kv => new NumericLiveSample(kv.Value.ToArray(), kv.Value.Seen), StringComparer.Ordinal),
            Categorical = categorical.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, long>)kv.Value, StringComparer.Ordinal),
        };
    }

    private ReservoirSample NumericReservoir(string feature)
    {
        if (!_numeric.TryGetValue(feature, out var reservoir))
        {
            reservoir = new ReservoirSample(_capacity, _seeds.Next());
            _numeric[feature] = reservoir;
        }

        return reservoir;
    }
}
