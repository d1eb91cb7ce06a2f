using LiteDB;
using LiteDB.Engine;
using RecEngine.Catalog.Storage;
using RecEngine.Hosting;

namespace RecEngine.Catalog;

/// <summary>
/// The one LiteDB file of a data directory, opened on first use under an exclusive <see cref="StoreLock"/>.
/// LiteDB (direct mode) is thread-safe inside the process; every module gets its collections from here.
/// <para>
/// Durability: LiteDB writes a commit's pages to its log file (<c>recengine-log.db</c>) before the commit returns, but
/// never flushes that file to the disk. The store hands LiteDB its own files (<see cref="DurableFileStream"/>), and
/// whoever acknowledges a write calls <see cref="Sync"/> after the commit: one fsync of the log, shared by every commit
/// made before it (the event writer's group commit). LiteDB flushes the data file itself at each checkpoint, before it
/// truncates the log; that flush is an fsync too.
/// </para>
/// <para>
/// Failures: a write that fails (a full disk) makes LiteDB close its engine. <see cref="MarkFaulted"/> records it, and
/// the next use of <see cref="Database"/> reopens the files; LiteDB's log recovery drops any transaction whose commit
/// did not complete, so nothing half-written is ever read.
/// </para>
/// </summary>
internal sealed class RecEngineStore : IDataStore, IDisposable
{
    /// <summary>How often a faulted store tries to reopen its files.</summary>
    private static readonly TimeSpan ReopenInterval = TimeSpan.FromMilliseconds(250);

    private readonly DataDirectory _dataDir;
    private readonly StorageFaults _faults;
    private readonly bool _durableCommits;
    private readonly Lock _openLock = new();
    private StoreLock? _storeLock;
    private volatile Opened? _opened;
    private volatile string? _fault;
    private long _lastReopenAttempt;

    public RecEngineStore(DataDirectory dataDir)
        : this(dataDir, new StorageFaults())
    {
    }

    public RecEngineStore(DataDirectory dataDir, StorageFaults faults, bool durableCommits = true)
    {
        _dataDir = dataDir;
        _faults = faults;
        _durableCommits = durableCommits;
    }

    /// <summary>
    /// This store's mapper. One per store, not one static: LiteDB 5.0.21 builds a type's entity mapper on first use
    /// without guarding readers (litedb-org/LiteDB#2536), so stores opened in parallel (test hosts in one process)
    /// could see a half-built mapper ("Member X not found on BsonMapper").
    /// </summary>
    public BsonMapper Mapper { get; } = CreateMapper();

    /// <summary>The open database; opens it on first use, and reopens it after a fault (at most every quarter second).</summary>
    /// <exception cref="StoreUnavailableException">The store is faulted and cannot be reopened yet.</exception>
    public LiteDatabase Database
    {
        get
        {
            var opened = _opened;
            if (opened is not null && _fault is null)
            {
                return opened.Db;
            }

            return OpenOrReopen();
        }
    }

    /// <summary>Whether the store is open and no write has failed since it was (last) opened.</summary>
    public bool IsHealthy => _opened is { } opened && _fault is null && opened.Latch.Failure is null;

    /// <summary>Throws (and marks the store faulted) if a write failed since the store opened; for commits not followed by <see cref="Sync"/>.</summary>
    public void ThrowIfWritesFailed()
    {
        if (_opened?.Latch.Failure is { } failure)
        {
            MarkFaulted(failure);
            throw new IOException(failure.Message, failure);
        }
    }

    /// <summary>Why the store is not healthy (a failed write), or null.</summary>
    public string? Fault => _fault;

    /// <summary>Also raised by the reopen: the database was replaced, so cached collections and indexes must be re-made.</summary>
    public event Action? Reopened;

    public string DatabasePath => _dataDir.DatabasePath;

    public string LogPath => LogPathOf(_dataDir.DatabasePath);

    /// <summary>
    /// Bytes of LiteDB's page cache, or null when they cannot be read. LiteDB 5.0.21 neither caps that cache nor gives
    /// memory back while the database is open (litedb-org/LiteDB#2813), and reports its size only internally, so it
    /// is read by reflection (the package version is pinned; <c>StoreCacheTests</c> fails if the members move).
    /// </summary>
    public long? CacheBytes
    {
        get
        {
            try
            {
                var engine = _opened?.Db is { } db ? CacheMembers.Engine?.GetValue(db) : null;
                var disk = engine is null ? null : CacheMembers.Disk?.GetValue(engine);
                var cache = disk is null ? null : CacheMembers.Cache?.GetValue(disk);
                var pages = cache is null ? null : CacheMembers.ExtendPages?.GetValue(cache);
                return pages is int count ? count * 8192L : null;
            }
            catch (System.Reflection.TargetInvocationException)
            {
                return null;
            }
        }
    }

    public ILiteCollection<Video> Videos => Database.GetCollection<Video>("videos");

    public ILiteCollection<User> Users => Database.GetCollection<User>("users");

    /// <summary>
    /// Every video in id order, read in pages of <paramref name="pageSize"/>, each its own query. One query over the
    /// whole collection keeps every page it reads in LiteDB's cache until it ends, and that cache never shrinks
    /// (<see cref="CacheBytes"/>): at a million videos, 340 MB held for good after one start-up scan.
    /// </summary>
    public IEnumerable<Video> VideosInIdOrder(int pageSize = 5_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        string? after = null;
        while (true)
        {
            var query = Videos.Query();
            if (after is not null)
            {
                query = query.Where(Query.GT("_id", after));
            }

            var page = query.OrderBy(v => v.Id).Limit(pageSize).ToList();
            foreach (var video in page)
            {
                yield return video;
            }

            if (page.Count < pageSize)
            {
                yield break;
            }

            after = page[^1].Id;
        }
    }

    public bool IsEmpty => !Videos.Exists(Query.All());

    public void EnsureOpen() => _ = Database;

    /// <summary>Why the file at <paramref name="path"/> did not open, in words a person can act on.</summary>
    private static StoreOpenException OpenFailure(string path, Exception ex)
    {
        var cause = ex switch
        {
            UnauthorizedAccessException => "this user may not read and write it (check the file's owner and permissions)",
            LiteException or InvalidCastException or IndexOutOfRangeException or ArgumentException or InvalidDataException =>
                "it is not a readable LiteDB database: corrupt or truncated (a disk error, an interrupted copy) or another program's file. Restore it from a backup (see `restore`), or move it away to start empty",
            IOException => "the file system could not read it (a disk error, a full disk, or a file that is not a regular file)",
            _ => "opening it failed",
        };
        return new StoreOpenException($"Cannot open the store '{path}': {cause}. ({ex.GetType().Name}: {ex.Message})", ex);
    }

    /// <summary>LiteDB's name for the log file of a data file: <c>name-log.ext</c>.</summary>
    public static string LogPathOf(string databasePath) =>
        Path.Combine(Path.GetDirectoryName(databasePath) ?? "", Path.GetFileNameWithoutExtension(databasePath) + "-log" + Path.GetExtension(databasePath));

    /// <summary>
    /// Moves every commit made so far to stable storage (fsync of the log file). Call after committing and before
    /// acknowledging. A failure marks the store faulted and throws.
    /// </summary>
    public void Sync()
    {
        var opened = _opened ?? throw new StoreUnavailableException("The store is not open.");
        if (!_durableCommits)
        {
            return;
        }

        try
        {
            opened.Log.FlushToStableStorage();
        }
        catch (Exception ex)
        {
            MarkFaulted(ex);
            throw;
        }
    }

    /// <summary>A write failed: LiteDB has closed (or may have closed) its engine. The next use reopens the files.</summary>
    public void MarkFaulted(Exception ex) => _fault = $"{ex.GetType().Name}: {ex.Message}";

    private LiteDatabase OpenOrReopen()
    {
        lock (_openLock)
        {
            if (_opened is { } current && _fault is null)
            {
                return current.Db;
            }

            if (_opened is not null)
            {
                var now = Environment.TickCount64;
                if (now - Interlocked.Read(ref _lastReopenAttempt) < ReopenInterval.TotalMilliseconds)
                {
                    throw new StoreUnavailableException($"The store is unavailable: {_fault}");
                }

                Interlocked.Exchange(ref _lastReopenAttempt, now);
                Close(_opened, abandon: true);
                _opened = null;
            }

            _storeLock ??= StoreLock.Acquire(_dataDir);
            try
            {
                _opened = Open();
            }
            catch (Exception ex) when (_fault is null && ex is not StoreOpenException)
            {
                _storeLock.Dispose();
                _storeLock = null;
                throw OpenFailure(_dataDir.DatabasePath, ex);
            }
            catch (Exception ex) when (_fault is not null)
            {
                // Still failing (the disk is still full): stay faulted, try again later.
                _fault = $"{ex.GetType().Name}: {ex.Message}";
                throw new StoreUnavailableException($"The store is unavailable: {_fault}", ex);
            }
            catch
            {
                _storeLock.Dispose();
                _storeLock = null;
                throw;
            }

            var reopened = _fault is not null;
            _fault = null;
            if (reopened)
            {
                Reopened?.Invoke();
            }

            return _opened.Db;
        }
    }

    private Opened Open()
    {
        var latch = new WriteLatch();
        var data = new DurableFileStream(_dataDir.DatabasePath, _faults, latch);
        DurableFileStream? log = null;
        try
        {
            log = new DurableFileStream(LogPath, _faults, latch);
            var db = new LiteDatabase(new LiteEngine(new EngineSettings
            {
                DataStream = data,
                LogStream = log,
                // Ordinal: ids "V1" and "v1" are different videos.
                Collation = new Collation(System.Globalization.CultureInfo.InvariantCulture.LCID, System.Globalization.CompareOptions.Ordinal),
            }), Mapper, disposeOnClose: true);
            db.UtcDate = true;
            db.GetCollection<Video>("videos").EnsureIndex(v => v.Category);
            db.GetCollection<Video>("videos").EnsureIndex(v => v.UploadedAt);
            // The files' names are in the directory for good (they may have just been created).
            DirectorySync.Flush(_dataDir.Root);
            return new Opened(db, data, log, latch);
        }
        catch
        {
            data.Dispose();
            log?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Closes an open store. After a failure the engine is abandoned, not disposed: its memory holds a commit that never
    /// reached the files, and disposing would checkpoint it. Its files are retired (reads find nothing, writes drop).
    /// </summary>
    private static void Close(Opened opened, bool abandon)
    {
        if (!abandon)
        {
            try
            {
                opened.Db.Dispose();
            }
            catch (Exception)
            {
                // Closing is best effort; the files are closed below either way.
            }
        }

        opened.Data.Retire();
        opened.Log.Retire();
    }

    private static BsonMapper CreateMapper()
    {
        var mapper = new BsonMapper
        {
            EnumAsInteger = false,
            SerializeNullValues = false,
            TrimWhitespace = false,
            EmptyStringToNull = false,
        };

        // LiteDB 5 publishes an entity mapper before filling in its members, so two threads mapping a type for the first
        // time at once fail with "Member Category not found on BsonMapper". Map the catalog's types here, on one thread.
        mapper.ToDocument(new Video());
        mapper.ToDocument(new User());
        return mapper;
    }

    public void Dispose()
    {
        lock (_openLock)
        {
            if (_opened is { } opened)
            {
                Close(opened, abandon: _fault is not null || opened.Latch.Failure is not null);
                _opened = null;
            }

            _storeLock?.Dispose();
            _storeLock = null;
        }
    }

    private sealed record Opened(LiteDatabase Db, DurableFileStream Data, DurableFileStream Log, WriteLatch Latch);

    /// <summary>LiteDB's internal members behind <see cref="CacheBytes"/>, looked up once (the engine types are fixed by the pinned package).</summary>
    private static class CacheMembers
    {
        private const System.Reflection.BindingFlags Any = System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public;

        public static readonly System.Reflection.FieldInfo? Engine = typeof(LiteDatabase).GetField("_engine", Any);

        public static readonly System.Reflection.FieldInfo? Disk = typeof(LiteEngine).GetField("_disk", Any);

        public static readonly System.Reflection.PropertyInfo? Cache = Disk?.FieldType.GetProperty("Cache", Any);

        public static readonly System.Reflection.PropertyInfo? ExtendPages = Cache?.PropertyType.GetProperty("ExtendPages", Any);
    }
}
