namespace RecEngine.Events;

/// <summary>
/// Walks a time-indexed collection of the event store in time order, one page per call, each page read under
/// <see cref="EventStore.EnterExclusiveRead"/>: LiteDB 5.0.x readers that overlap each other or a commit can read
/// garbage on a store larger than its page cache (LiteDB issue 2817), so long background scans (training windows, the
/// user-feature warm-up, drift references) take turns with the commits in short pages instead of holding one long
/// query open. Each page starts at the previous page's last timestamp and skips the items already seen at exactly
/// that time; a page all of one timestamp is read again twice as deep.
/// </summary>
internal sealed class TimeOrderedPages<T>(
    EventStore store,
    Func<DateTime, int, List<T>> read,
    Func<T, DateTime> time,
    Func<T, string> id,
    DateTime from,
    int pageSize)
{
    private readonly HashSet<string> _seenAtFrom = new(StringComparer.Ordinal);
    private readonly int _pageSize = pageSize;
    private DateTime _from = from;
    private int _limit = pageSize;
    private bool _done;

    /// <summary>
    /// Reads the next page and hands each new item to <paramref name="apply"/> while still holding the read, so state
    /// that commit listeners also update sees each item exactly once. False when the collection is exhausted.
    /// </summary>
    public bool Next(Action<T> apply)
    {
        if (_done)
        {
            return false;
        }

        using (store.EnterExclusiveRead())
        {
            var items = read(_from, _limit);
            foreach (var item in items)
            {
                if (time(item) != _from || !_seenAtFrom.Contains(id(item)))
                {
                    apply(item);
                }
            }

            if (items.Count < _limit)
            {
                _done = true;
                return true;
            }

            var last = time(items[^1]);
            if (last == _from)
            {
                _limit *= 2;
            }
            else
            {
                _from = last;
                _seenAtFrom.Clear();
                _limit = _pageSize;
            }

            foreach (var item in items)
            {
                if (time(item) == _from)
                {
                    _seenAtFrom.Add(id(item));
                }
            }

            return true;
        }
    }

    /// <summary>Every item from the start time on, streamed page by page; no lock is held between pages.</summary>
    public IEnumerable<T> All()
    {
        var page = new List<T>();
        while (Next(page.Add))
        {
            foreach (var item in page)
            {
                yield return item;
            }

            page.Clear();
        }
    }
}
