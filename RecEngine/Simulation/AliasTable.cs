namespace RecEngine.Simulation;

/// <summary>Walker's alias method (Vose 1991 variant): O(n) build, O(1) weighted draws.</summary>
internal sealed class AliasTable
{
    private readonly double[] _probability;
    private readonly int[] _alias;

    public AliasTable(ReadOnlySpan<double> weights)
    {
        var n = weights.Length;
        _probability = new double[n];
        _alias = new int[n];
        if (n == 0)
        {
            return;
        }

        var total = 0.0;
        foreach (var w in weights)
        {
            total += w;
        }

        var scaled = new double[n];
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (var i = 0; i < n; i++)
        {
            scaled[i] = weights[i] * n / total;
            (scaled[i] < 1 ? small : large).Push(i);
        }

        while (small.Count > 0 && large.Count > 0)
        {
            var s = small.Pop();
            var l = large.Pop();
            _probability[s] = scaled[s];
            _alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            (scaled[l] < 1 ? small : large).Push(l);
        }

        foreach (var i in large)
        {
            _probability[i] = 1;
        }

        foreach (var i in small)
        {
            _probability[i] = 1;
        }
    }

    public int Count => _probability.Length;

    public int Sample(SimRandom rng)
    {
        var i = rng.NextInt(_probability.Length);
        return rng.NextDouble() < _probability[i] ? i : _alias[i];
    }
}
