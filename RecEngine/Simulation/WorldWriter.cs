using System.Diagnostics;
using System.Threading.Channels;
using RecEngine.Catalog;
using RecEngine.Events;

namespace RecEngine.Simulation;

/// <summary>What a generate run wrote and how long it took.</summary>
internal sealed record WorldWriteResult(int Users, int Videos, long Events, TimeSpan Elapsed);

/// <summary>Progress of a generate run: a stage (users, videos, events) and how far it is.</summary>
internal readonly record struct WriteProgress(string Stage, long Done, long Total, long EventsWritten);

/// <summary>
/// Writes a simulated world through the store's bulk path: users and videos with
/// <see cref="CatalogService.UpsertUsers"/> / <see cref="CatalogService.UpsertVideos"/> (which keep the
/// catalog index current) and events with a bulk insert into <see cref="EventStore.Events"/>, one transaction per chunk. The next day is generated on other
/// threads while the current one is written, because LiteDB writes on one thread only.
/// </summary>
internal sealed class WorldWriter(RecEngineStore store, CatalogService catalog, CatalogIndex catalogIndex, EventStore eventStore, ThumbnailStore? thumbnails = null)
{
    /// <summary>
    /// Documents per bulk call (one LiteDB transaction each). Measured on the 2-core box: 10k-50k chunks cost
    /// the same CPU per event (about 40 us, nearly all LiteDB serialisation and index upkeep); loading without the
    /// secondary indexes and building them afterwards was no faster, so the store keeps its indexes throughout.
    /// </summary>
    public int ChunkSize { get; init; } = 20_000;

    /// <summary>Whether the store already holds a catalog or events.</summary>
    public bool StoreHasData => !store.IsEmpty || store.Users.Exists(LiteDB.Query.All()) || store.Database.GetCollection(EventStore.CollectionName).Exists(LiteDB.Query.All());

    /// <summary>Drops videos, users and events so a new world replaces the old one instead of mixing with it.</summary>
    public void Clear()
    {
        store.Database.DropCollection("videos");
        store.Database.DropCollection("users");
        store.Database.DropCollection(EventStore.CollectionName);
        // EventStore creates its indexes once, when it first opens the collection; if that already happened in
        // this process the drop removed them, so put back the same two (EnsureIndex is a no-op when present).
        eventStore.Events.EnsureIndex(e => e.Timestamp);
        eventStore.Events.EnsureIndex(e => e.UserId);
        catalogIndex.Invalidate();
        // The old world's thumbnails would otherwise dress the new world's videos of the same ids.
        if (thumbnails is not null && Directory.Exists(thumbnails.Folder))
        {
            Directory.Delete(thumbnails.Folder, recursive: true);
        }
    }

    /// <summary>
    /// Writes the whole world, or the catalog and only the first <paramref name="eventDays"/> days of events (the online
    /// loop plays the rest through the real pipeline); runs on the calling thread (LiteDB transactions are per thread).
    /// </summary>
    public WorldWriteResult Write(SimulatedWorld world, IProgress<WriteProgress>? progress, CancellationToken cancellationToken, int? eventDays = null)
    {
        var started = Stopwatch.GetTimestamp();
        var truth = world.Truth;
        WriteChunked("users", truth.UserCount, i => truth.ToUser(i), chunk => catalog.UpsertUsers(chunk), progress, cancellationToken);
        WriteChunked("videos", truth.VideoCount, i => truth.ToVideo(i), chunk => catalog.UpsertVideos(chunk), progress, cancellationToken);
        WriteThumbnails(truth, progress, cancellationToken);
        var written = WriteEvents(world, eventDays ?? truth.Days, progress, cancellationToken);
        return new WorldWriteResult(truth.UserCount, truth.VideoCount, written, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// The synthetic thumbnails of the first <see cref="SimulationOptions.ThumbnailShare"/> of the videos in id order
    /// (<see cref="ThumbnailPainter"/>, about a millisecond each), stored as uploads are; their embeddings are left to
    /// the server's background queue and to training, so writing a world stays fast.
    /// </summary>
    private void WriteThumbnails(GroundTruth truth, IProgress<WriteProgress>? progress, CancellationToken cancellationToken)
    {
        var count = (int)Math.Round(truth.Options.ThumbnailShare * truth.VideoCount);
        if (thumbnails is null || count == 0)
        {
            return;
        }

        for (var v = 0; v < count; v++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            thumbnails.Write(truth.VideoIds[v], ThumbnailPainter.Paint(truth, v), ".png");
            if ((v & 0x3FF) == 0 || v == count - 1)
            {
                progress?.Report(new WriteProgress("thumbnails", v + 1, count, 0));
            }
        }
    }

    private void WriteChunked<T>(string stage, int total, Func<int, T> create, Action<List<T>> write, IProgress<WriteProgress>? progress, CancellationToken cancellationToken)
    {
        var chunk = new List<T>(ChunkSize);
        for (var i = 0; i < total; i += ChunkSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            chunk.Clear();
            var end = Math.Min(total, i + ChunkSize);
            for (var j = i; j < end; j++)
            {
                chunk.Add(create(j));
            }

            write(chunk);
            progress?.Report(new WriteProgress(stage, end, total, 0));
        }
    }

    private long WriteEvents(SimulatedWorld world, int days, IProgress<WriteProgress>? progress, CancellationToken cancellationToken)
    {
        // Two days in flight at most: generation stays one day ahead of the writer and memory stays bounded.
        var queue = Channel.CreateBounded<List<InteractionEvent>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(() =>
        {
            try
            {
                for (var day = 0; day < days; day++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var events = world.History.GenerateDay(day);
                    queue.Writer.WriteAsync(events, cancellationToken).AsTask().GetAwaiter().GetResult();
                }

                queue.Writer.Complete();
            }
            catch (Exception ex)
            {
                queue.Writer.Complete(ex);
            }
        }, cancellationToken);

        long written = 0;
        var day = 0;
        progress?.Report(new WriteProgress("events", 0, days, 0));
        while (queue.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
        {
            while (queue.Reader.TryRead(out var events))
            {
                for (var i = 0; i < events.Count; i += ChunkSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var count = Math.Min(ChunkSize, events.Count - i);
                    // Insert, not upsert: the store held no events (or --force cleared them), so the id lookup an
                    // upsert makes first is wasted (40 us against 42-56 us CPU per event in benchmarks/RESULTS.md).
                    eventStore.Events.InsertBulk(events.GetRange(i, count), count);
                    written += count;
                    progress?.Report(new WriteProgress("events", day, days, written));
                }

                day++;
                progress?.Report(new WriteProgress("events", day, days, written));
            }
        }

        producer.GetAwaiter().GetResult();
        return written;
    }
}
