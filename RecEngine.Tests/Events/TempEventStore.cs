using RecEngine.Catalog;
using RecEngine.Events;
using RecEngine.Hosting;

namespace RecEngine.Tests.Events;

/// <summary>A store and its event collections in a fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempEventStore : IDisposable
{
    public TempEventStore()
    {
        Store = new RecEngineStore(Directory);
        Events = new EventStore(Store);
    }

    public DataDirectory Directory { get; } = new(Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N")));

    public RecEngineStore Store { get; private set; }

    public EventStore Events { get; private set; }

    /// <summary>Closes the store and opens it again, as a restart does: LiteDB's page cache starts empty.</summary>
    public void Reopen()
    {
        Events.Dispose();
        Store.Dispose();
        Store = new RecEngineStore(Directory);
        Events = new EventStore(Store);
    }

    /// <summary>How many bytes LiteDB's page cache grows by while <paramref name="read"/> runs.</summary>
    public long CacheGrowth(Action read)
    {
        var before = Store.CacheBytes ?? throw new InvalidOperationException("LiteDB's cache size is not readable: the check would prove nothing.");
        read();
        return (Store.CacheBytes ?? 0) - before;
    }

    public void Dispose()
    {
        Events.Dispose();
        Store.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory.Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
