using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RecEngine.Serving;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Lifecycle;

/// <summary>
/// After a swap, the retired version's memory is collected once its last request is done: the state raises
/// <see cref="ServingState.Retired"/> on the last release, and the collector starts one collection for a snapshot
/// that owned its models, never for one that shared them, and not when switched off.
/// </summary>
public sealed class RetiredSnapshotCollectorTests
{
    [Fact]
    public async Task ASwappedOutVersionIsCollectedOnceWhenItsLastRequestIsDone()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        var a = LifecycleWorld.TrainAndPromote(factory.Services);
        var b = LifecycleWorld.TrainAndPromote(factory.Services);
        var loader = factory.Services.GetRequiredService<ServingLoader>();
        Assert.NotNull(factory.Services.GetRequiredService<RetiredSnapshotCollector>());

        using var state = new ServingState();
        var collected = new List<string>();
        var done = new SemaphoreSlim(0);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var on = new RetiredSnapshotCollector(state, Options.Create(new ServingOptions()), NullLogger<RetiredSnapshotCollector>.Instance, () =>
        {
            lock (collected)
            {
                collected.Add("collect");
            }

            done.Release();
            return (0, 0, 0);
        }, time);
        var retired = new List<string>();
        state.Retired += s => retired.Add(s.Version);
        await on.StartAsync(CancellationToken.None);

        var first = loader.LoadSnapshot(Path.Combine(factory.DataDir, "models", a));
        state.Publish(first);
        var lease = state.Acquire()!;
        // A snapshot sharing the first one's models (trending refresh) is retired without a collection.
        state.Publish(first.WithTrending(first.Trending));
        Assert.Empty(retired);
        state.Publish(loader.LoadSnapshot(Path.Combine(factory.DataDir, "models", b)));
        Assert.Single(retired); // the trending copy, which had no lease
        Assert.Empty(collected);

        lease.Dispose();
        // Not at once: the collection waits for the promotion to settle, then runs.
        Assert.False(await done.WaitAsync(TimeSpan.FromMilliseconds(300)), "collected before the settle delay");
        time.Advance(RetiredSnapshotCollector.SettleDelay);
        Assert.True(await done.WaitAsync(TimeSpan.FromSeconds(30)), "no collection after the last lease of the swapped-out version");
        Assert.Equal([first.Version, first.Version], retired);
        Assert.Single(collected);

        await on.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task SwitchedOffNothingIsCollected()
    {
        await using var factory = new RecEngineFactory(LifecycleWorld.Settings());
        await LifecycleWorld.CopyToAsync(factory.DataDir);
        using var client = factory.CreateClient();
        var a = LifecycleWorld.TrainAndPromote(factory.Services);
        var loader = factory.Services.GetRequiredService<ServingLoader>();
        using var state = new ServingState();
        var calls = 0;
        var off = new RetiredSnapshotCollector(state, Options.Create(new ServingOptions { CollectAfterSwap = false }), NullLogger<RetiredSnapshotCollector>.Instance, () =>
        {
            Interlocked.Increment(ref calls);
            return (0, 0, 0);
        }, TimeProvider.System);
        var retired = 0;
        state.Retired += _ => retired++;
        await off.StartAsync(CancellationToken.None);
        state.Publish(loader.LoadSnapshot(Path.Combine(factory.DataDir, "models", a)));
        state.Publish(loader.LoadSnapshot(Path.Combine(factory.DataDir, "models", a)));
        await Task.Delay(200);
        Assert.Equal(1, retired);
        Assert.Equal(0, Volatile.Read(ref calls));
    }
}
