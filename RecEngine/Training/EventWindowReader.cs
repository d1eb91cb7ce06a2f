using RecEngine.Events;
using RecEngine.Hosting;

namespace RecEngine.Training;

/// <summary>
/// Reads a training window into memory in time order, in as many time slices as there are threads, read at once.
/// At 1M videos the window is 5M LiteDB documents, about 90 CPU seconds of deserialisation on one thread; LiteDB
/// serves concurrent readers, and each slice of the half-open window is itself in time order, so the slices joined
/// end to end are the window in order.
/// </summary>
public static class EventWindowReader
{
    public static List<InteractionEvent> Read(EventStore events, DateTime start, DateTime end, int threads, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var slices = end > start ? threads : 1;
        var span = (end - start).Ticks / slices;
        var parts = new List<InteractionEvent>[slices];
        var total = 0L;
        Parallel.For(0, slices, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancellationToken }, s =>
        {
            var from = start.AddTicks(span * s);
            var to = s == slices - 1 ? end : start.AddTicks(span * (s + 1));
            var part = new List<InteractionEvent>();
            foreach (var e in events.InWindow(from, to))
            {
                part.Add(e);
                if ((part.Count & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Report($"{Interlocked.Add(ref total, 0x10000):N0} events");
                }
            }

            parts[s] = part;
        });

        var window = new List<InteractionEvent>(parts.Sum(p => p.Count));
        foreach (var part in parts)
        {
            window.AddRange(part);
        }

        progress?.Report($"{window.Count:N0} events in {slices} slices");
        return window;
    }
}
