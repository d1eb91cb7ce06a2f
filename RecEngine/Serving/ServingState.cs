using RecEngine.Features.Spec;

namespace RecEngine.Serving;

/// <summary>
/// The snapshot requests read, swapped atomically. A request takes a <see cref="Lease"/> once and reads only that
/// snapshot, so it sees exactly one model version. <see cref="Publish"/> replaces the current snapshot; the old one
/// is disposed when its last lease is released (in-flight requests drain on it). Readers take no lock: a lease is
/// one volatile read plus an interlocked increment, retried in the rare race with a swap.
/// <para>
/// A second slot holds a canary: a candidate version served to a share of users (<see cref="CanaryAssignment"/>)
/// before it is promoted or rejected. <see cref="Acquire(string)"/> gives those users the canary.
/// </para>
/// </summary>
internal sealed class ServingState : IDisposable
{
    private readonly Lock _swap = new();
    private volatile Holder? _current;
    private volatile CanarySlot? _canary;

    /// <summary>
    /// Raised once for every snapshot this state held, right after it was disposed (its last lease released, on
    /// that thread): what it held is garbage from then on.
    /// </summary>
    public event Action<ServingSnapshot>? Retired;

    /// <summary>The serving snapshot, for callers that only look (version, counts). Requests use <see cref="Acquire"/>.</summary>
    public ServingSnapshot? Current => _current?.Snapshot;

    /// <summary>The canary now served to a share of users, if any.</summary>
    public ServingCanary? Canary => _canary?.Info;

    /// <summary>
    /// Leases the snapshot for <paramref name="userId"/>: the canary's when one runs and the user is in its share, else
    /// the serving one; null when none serves.
    /// </summary>
    public Lease? Acquire(string userId)
    {
        var canary = _canary;
        if (canary is not null && CanaryAssignment.Includes(canary.Info.Version, userId, canary.Info.Share) && canary.Holder.TryAddRef())
        {
            return new Lease(canary.Holder);
        }

        return Acquire();
    }

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

    /// <summary>
    /// Makes <paramref name="snapshot"/> current; the previous one is disposed once its leases drain. A running canary
    /// stops; its version is returned (null if none ran).
    /// </summary>
    public string? Publish(ServingSnapshot snapshot)
    {
        lock (_swap)
        {
            Interlocked.Exchange(ref _current, new Holder(snapshot, OnRetired))?.Release();
            return StopCanary();
        }
    }

    /// <summary>
    /// Makes the canary's snapshot the serving one for every user (its holder moves over, so nothing is disposed);
    /// returns its version, null when none runs.
    /// </summary>
    public string? PromoteCanary()
    {
        lock (_swap)
        {
            var canary = _canary;
            if (canary is null)
            {
                return null;
            }

            Interlocked.Exchange(ref _current, canary.Holder)?.Release();
            _canary = null;
            return canary.Info.Version;
        }
    }

    /// <summary>
    /// Serves <paramref name="snapshot"/> to <paramref name="share"/> of users (by id) from now; a canary already
    /// running stops. The snapshot is disposed when the canary stops and its leases drain, unless it is published.
    /// </summary>
    public void StartCanary(ServingSnapshot snapshot, double share, DateTime startedAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(share);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(share, 1);
        lock (_swap)
        {
            var previous = _canary;
            _canary = new CanarySlot(new Holder(snapshot, OnRetired), new ServingCanary(snapshot.Version, share, startedAt));
            previous?.Holder.Release();
        }
    }

    /// <summary>Stops the canary (its users get the serving version again); returns its snapshot's version, null if none ran.</summary>
    public string? StopCanary()
    {
        lock (_swap)
        {
            var canary = _canary;
            _canary = null;
            canary?.Holder.Release();
            return canary?.Info.Version;
        }
    }

    /// <summary>Stops serving a deleted video in the serving snapshot and the canary's (see <see cref="Features.VideoSnapshot.Retire"/>).</summary>
    public void RetireVideo(string videoId)
    {
        lock (_swap)
        {
            _current?.Snapshot.Videos.Retire(videoId);
            _canary?.Holder.Snapshot.Videos.Retire(videoId);
        }
    }

    public void Dispose()
    {
        lock (_swap)
        {
            Interlocked.Exchange(ref _canary, null)?.Holder.Release();
            Interlocked.Exchange(ref _current, null)?.Release();
        }
    }

    private void OnRetired(ServingSnapshot snapshot) => Retired?.Invoke(snapshot);

    private sealed record CanarySlot(Holder Holder, ServingCanary Info);

    /// <summary>One request's hold on one snapshot.</summary>
    public sealed class Lease : IDisposable
    {
        private Holder? _holder;

        internal Lease(Holder holder) => _holder = holder;

        public ServingSnapshot Snapshot => (_holder ?? throw new ObjectDisposedException(nameof(Lease))).Snapshot;

        public void Dispose() => Interlocked.Exchange(ref _holder, null)?.Release();
    }

    /// <summary>Reference count: 1 for being current, plus one per lease. Zero disposes the snapshot, once.</summary>
    internal sealed class Holder(ServingSnapshot snapshot, Action<ServingSnapshot> retired)
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
                retired(Snapshot);
            }
        }
    }
}

/// <summary>A canary: <see cref="Version"/> serves <see cref="Share"/> of users since <see cref="StartedAt"/>.</summary>
internal sealed record ServingCanary(string Version, double Share, DateTime StartedAt);

/// <summary>
/// Which users a canary serves: a hash of version and user id, uniform in [0, 1), under the share. Stable for a
/// user during one canary (a user sees one version), and a different slice of users for each version.
/// </summary>
internal static class CanaryAssignment
{
    public static bool Includes(string version, string userId, double share)
    {
        // Stable across processes (FNV-1a, as feature hashing), then the MurmurHash3 finaliser, so that the version's
        // hash moves every user to an unrelated place and the top 53 bits are uniform.
        var hash = FeatureHashing.Fnv1a64(userId) ^ FeatureHashing.Fnv1a64(version);
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return (hash >> 11) * (1.0 / (1UL << 53)) < share;
    }
}
