namespace RecEngine.Retrieval;

/// <summary>
/// Bounded min-heap that keeps the k best (score, id) pairs seen so far; the root is the worst kept pair,
/// so a candidate costs one comparison unless it gets in. Ties go to the smaller id, which makes results
/// independent of scan order (blocks scanned in parallel merge to the same answer).
/// </summary>
internal struct TopK
{
    private readonly VectorHit[] _heap;
    private int _count;

    public TopK(int k)
    {
        _heap = new VectorHit[Math.Max(k, 0)];
        _count = 0;
    }

    public readonly int Count => _count;

    public readonly int Capacity => _heap.Length;

    /// <summary>The score a candidate must beat once the heap is full.</summary>
    public readonly float Threshold => _count < _heap.Length ? float.NegativeInfinity : _heap[0].Score;

    /// <summary>True when <paramref name="a"/> ranks below <paramref name="b"/>.</summary>
    private static bool Worse(in VectorHit a, in VectorHit b) => a.Score < b.Score || (a.Score == b.Score && a.Id > b.Id);

    public void Add(long id, float score)
    {
        if (_heap.Length == 0)
        {
            return;
        }

        var hit = new VectorHit(id, score);
        if (_count < _heap.Length)
        {
            var i = _count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (!Worse(hit, _heap[parent]))
                {
                    break;
                }

                _heap[i] = _heap[parent];
                i = parent;
            }

            _heap[i] = hit;
            return;
        }

        if (!Worse(_heap[0], hit))
        {
            return;
        }

        SiftDown(hit);
    }

    private void SiftDown(VectorHit hit)
    {
        var i = 0;
        while (true)
        {
            var left = (2 * i) + 1;
            if (left >= _count)
            {
                break;
            }

            var child = left + 1 < _count && Worse(_heap[left + 1], _heap[left]) ? left + 1 : left;
            if (!Worse(_heap[child], hit))
            {
                break;
            }

            _heap[i] = _heap[child];
            i = child;
        }

        _heap[i] = hit;
    }

    /// <summary>Copies the kept pairs into <paramref name="destination"/>, best first; returns how many.</summary>
    public readonly int CopySorted(Span<VectorHit> destination)
    {
        var n = Math.Min(_count, destination.Length);
        var sorted = _heap.AsSpan(0, _count).ToArray();
        Array.Sort(sorted, static (a, b) => Worse(a, b) ? 1 : Worse(b, a) ? -1 : 0);
        sorted.AsSpan(0, n).CopyTo(destination);
        return n;
    }
}
