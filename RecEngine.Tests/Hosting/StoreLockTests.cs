using RecEngine.Catalog;
using RecEngine.Hosting;

namespace RecEngine.Tests.Hosting;

public sealed class StoreLockTests : IDisposable
{
    private readonly DataDirectory _dir = new(Path.Combine(Path.GetTempPath(), "recengine-tests", Guid.NewGuid().ToString("N")));

    [Fact]
    public void SecondOpenOfTheSameDataDirIsRefusedAndNamesTheServer()
    {
        using var first = new RecEngineStore(_dir);
        Assert.True(first.IsEmpty);
        File.WriteAllText(_dir.ServerInfoPath, "http://127.0.0.1:5099");

        using var second = new RecEngineStore(_dir);
        var ex = Assert.Throws<StoreLockedException>(() => second.Database);
        Assert.Equal("http://127.0.0.1:5099", ex.ServerUrl);
        Assert.Contains(_dir.Root, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StoreReopensAfterTheHolderCloses()
    {
        using (var first = new RecEngineStore(_dir))
        {
            first.Videos.Insert(new Video { Id = "v1", Title = "t", Category = "c", CreatorId = "c", DurationSeconds = 1, UploadedAt = DateTime.UtcNow });
        }

        using var second = new RecEngineStore(_dir);
        Assert.False(second.IsEmpty);
        Assert.Equal("t", second.Videos.FindById("v1").Title);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir.Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
