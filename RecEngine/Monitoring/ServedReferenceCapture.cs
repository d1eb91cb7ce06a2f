namespace RecEngine.Monitoring;

/// <summary>
/// Collects each feature's values from the first <see cref="Size"/> served slates of the model version now serving
/// that carry it: they become that version's served reference (<see cref="ServedDriftReference"/>), and only later values go into the live
/// window, so a reference and the window it is compared with never share a value.
/// <para>
/// Why served slates and not the training impressions: the ranker features of what the pipeline serves differ from
/// those of the impressions the training window logged (another policy chose those), so against a training reference
/// every served feature "drifts" from the first day, before anything changed. Replaying candidate generation over the
/// training window at train time would avoid the wait, but needs the online user features as they were then, which the
/// feature store does not keep.
/// </para>
/// Counted in slates, not values: a slate's rows come from one user and one moment, so the first N values of a
/// per-candidate feature would come from a handful of users and say little about the rest.
/// Recording is a dictionary lookup and a copy under one lock, cheap enough for the request thread; building the
/// references is left to the drift monitor's thread (<see cref="TakeFull"/>).
/// </summary>
internal sealed class ServedReferenceCapture(int size)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Filling> _filling = new(StringComparer.Ordinal);
    private readonly HashSet<string> _done = new(StringComparer.Ordinal);
    private string? _version;

    /// <summary>Slates per feature that make its served reference.</summary>
    public int Size => size;

    /// <summary>The version being captured; null before the first served slate.</summary>
    public string? Version
    {
        get
        {
            lock (_gate)
            {
                return _version;
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="values"/> of <paramref name="feature"/> served by <paramref name="version"/> into that
    /// version's capture while the feature has values from fewer than <see cref="Size"/> slates (one call is one slate); false when they belong in the
    /// live window instead. A slate of another version than the one captured starts a capture for it: the version that
    /// serves now is the one whose reference matters.
    /// </summary>
    public bool TryCapture(string version, string feature, ReadOnlySpan<double> values)
    {
        if (version.Length == 0 || values.IsEmpty)
        {
            return false;
        }

        lock (_gate)
        {
            if (!string.Equals(version, _version, StringComparison.Ordinal))
            {
                _version = version;
                _filling.Clear();
                _done.Clear();
            }

            if (_done.Contains(feature))
            {
                return false;
            }

            if (!_filling.TryGetValue(feature, out var filling))
            {
                filling = new Filling();
                _filling[feature] = filling;
            }

            if (filling.Slates >= size)
            {
                return false;
            }

            filling.Slates++;
            foreach (var v in values)
            {
                filling.Values.Add(v);
            }

            return true;
        }
    }

    /// <summary>
    /// The features of <paramref name="version"/> whose capture is full, with their values; each is handed over once
    /// and then counts as done. Empty when another version is being captured.
    /// </summary>
    public IReadOnlyList<(string Feature, double[] Values)> TakeFull(string version)
    {
        lock (_gate)
        {
            if (!string.Equals(version, _version, StringComparison.Ordinal))
            {
                return [];
            }

            var full = new List<(string, double[])>();
            foreach (var (feature, filling) in _filling)
            {
                if (filling.Slates >= size)
                {
                    full.Add((feature, filling.Values.ToArray()));
                    _done.Add(feature);
                }
            }

            foreach (var (feature, _) in full)
            {
                _filling.Remove(feature);
            }

            return full;
        }
    }

    /// <summary>
    /// Marks features of <paramref name="version"/> as already having a served reference (stored before a restart), so
    /// their values go to the live window again; what was captured of them since is dropped.
    /// </summary>
    public void MarkDone(string version, IEnumerable<string> features)
    {
        lock (_gate)
        {
            if (!string.Equals(version, _version, StringComparison.Ordinal))
            {
                _version = version;
                _filling.Clear();
                _done.Clear();
            }

            foreach (var feature in features)
            {
                _done.Add(feature);
                _filling.Remove(feature);
            }
        }
    }

    private sealed class Filling
    {
        public List<double> Values { get; } = [];

        public int Slates { get; set; }
    }
}
