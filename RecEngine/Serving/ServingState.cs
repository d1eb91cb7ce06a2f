namespace RecEngine.Serving;

/// <summary>
/// The snapshot requests read, swapped atomically. A request takes a <see cref="Lease"/> once and reads only that
/// snapshot, so it sees exactly one model version. <see cref="Publish"/> replaces the current snapshot; the old one
/// is disposed when its last lease is released (in-flight requests drain on it). Readers take no lock: a lease is
/// one volatile read plus an interlocked increment, retried in the rare race with a swap.
/// </summary>
public sealed class ServingState : IDisposable
{
    private volatile Holder? _current;

    /// <summary>The serving snapshot, for callers that only look (version, counts). Requests use <see cref="Acquire"/>.</summary>
    public ServingSnapshot? Current => _current?.Snapshot;

    /// <summary>Leases the current snapshot; null when none serves. Dispose the lease when the request is done.</summary>
    public Lease? Acquire()
    {
        while (true)
        {
            var holder = _current;
            if (holder is null)
            {
                return null;
            }

            if (holder.TryAddRef())
            {
                return new Lease(holder);
            }

            // The holder was retired and drained between the read and the increment: read the new one.
        }
    }

    /// <summary>Makes <paramref name="snapshot"/> current; the previous one is disposed once its leases drain.</summary>
    public void Publish(ServingSnapshot snapshot)
    {
        var previous = Interlocked.Exchange(ref _current, new Holder(snapshot));
        previous?.Release();
    }

    public void Dispose() => Interlocked.Exchange(ref _current, null)?.Release();

    /// <summary>One request's hold on one snapshot.</summary>
    public sealed class Lease : IDisposable
    {
        private Holder? _holder;

        internal Lease(Holder holder) => _holder = holder;

        public ServingSnapshot Snapshot => (_holder ?? throw new ObjectDisposedException(nameof(Lease))).Snapshot;

        public void Dispose() => Interlocked.Exchange(ref _holder, null)?.Release();
    }

    /// <summary>Reference count: 1 for being current, plus one per lease. Zero disposes the snapshot, once.</summary>
    internal sealed class Holder(ServingSnapshot snapshot)
    {
        private int _refs = 1;

        public ServingSnapshot Snapshot { get; } = snapshot;

        public bool TryAddRef()
        {
            while (true)
            {
                var refs = Volatile.Read(ref _refs);
                if (refs == 0)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _refs, refs + 1, refs) == refs)
                {
                    return true;
                }
            }
        }

        public void Release()
        {
            if (Interlocked.Decrement(ref _refs) == 0)
            {
                Snapshot.Dispose();
            }
        }
    }
}
