using LiteDB;
using RecEngine.Hosting;

namespace RecEngine.Catalog;

/// <summary>
/// The one LiteDB file of a data directory, opened on first use under an exclusive <see cref="StoreLock"/>.
/// LiteDB (direct mode) is thread-safe inside the process; every module gets its collections from here.
/// Commits write their pages to the file before returning, so an acknowledged write survives kill -9.
/// </summary>
public sealed class RecEngineStore : IDisposable
{
    private readonly DataDirectory _dataDir;
    private readonly Lazy<(StoreLock Lock, LiteDatabase Db)> _open;

    public RecEngineStore(DataDirectory dataDir)
    {
        _dataDir = dataDir;
        _open = new Lazy<(StoreLock, LiteDatabase)>(Open, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public static BsonMapper Mapper { get; } = CreateMapper();

    public LiteDatabase Database => _open.Value.Db;

    public ILiteCollection<Video> Videos => Database.GetCollection<Video>("videos");

    public ILiteCollection<User> Users => Database.GetCollection<User>("users");

    public bool IsEmpty => !Videos.Exists(Query.All());

    private (StoreLock, LiteDatabase) Open()
    {
        var storeLock = StoreLock.Acquire(_dataDir);
        try
        {
            var db = new LiteDatabase(new ConnectionString
            {
                Filename = _dataDir.DatabasePath,
                Connection = ConnectionType.Direct,
                // Ordinal: ids "V1" and "v1" are different videos.
                Collation = new Collation(System.Globalization.CultureInfo.InvariantCulture.LCID, System.Globalization.CompareOptions.Ordinal),
            }, Mapper);
            db.UtcDate = true;
            db.GetCollection<Video>("videos").EnsureIndex(v => v.Category);
            db.GetCollection<Video>("videos").EnsureIndex(v => v.UploadedAt);
            return (storeLock, db);
        }
        catch
        {
            storeLock.Dispose();
            throw;
        }
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
        // Mapped up front: LiteDB publishes an entity's mapper before filling in its members, so first use from two
        // threads at once can miss members.
        MapUpFront(mapper, typeof(Video));
        MapUpFront(mapper, typeof(User));
        return mapper;
    }

    /// <summary>Builds <paramref name="type"/>'s entity mapper now (serialising a blank instance builds it).</summary>
    public static void MapUpFront(Type type) => MapUpFront(Mapper, type);

    private static void MapUpFront(BsonMapper mapper, Type type) =>
        mapper.ToDocument(type, System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(type));

    public void Dispose()
    {
        if (_open.IsValueCreated)
        {
            _open.Value.Db.Dispose();
            _open.Value.Lock.Dispose();
        }
    }
}
