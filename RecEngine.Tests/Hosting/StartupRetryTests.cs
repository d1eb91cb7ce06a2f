using Microsoft.Extensions.Time.Testing;
using RecEngine.Hosting;

namespace RecEngine.Tests.Hosting;

public sealed class StartupRetryTests
{
    private static readonly TimeSpan[] Delays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)];

    [Fact]
    public async Task AStepThatFailsTwiceIsRunAThirdTimeAfterTheFirstTwoWaits()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var retries = new List<(int Attempt, TimeSpan Delay)>();
        Exception? gaveUp = null;
        var run = StartupRetry.RunAsync(
            () =>
            {
                if (++attempts < 3)
                {
                    throw new InvalidOperationException($"read {attempts} failed");
                }
            },
            Delays,
            time,
            (_, attempt, delay) => retries.Add((attempt, delay)),
            ex => gaveUp = ex,
            CancellationToken.None);

        Assert.True(await Drive(run, time));
        Assert.Equal(3, attempts);
        Assert.Equal([(1, Delays[0]), (2, Delays[1])], retries);
        Assert.Null(gaveUp);
    }

    [Fact]
    public async Task AStepThatAlwaysFailsGivesUpAfterTheLastWaitWithItsLastError()
    {
        var time = new FakeTimeProvider();
        var attempts = 0;
        var retries = 0;
        Exception? gaveUp = null;
        var run = StartupRetry.RunAsync(
            () => throw new InvalidOperationException($"read {++attempts} failed"),
            Delays,
            time,
            (_, _, _) => retries++,
            ex => gaveUp = ex,
            CancellationToken.None);

        Assert.False(await Drive(run, time));
        Assert.Equal(Delays.Length + 1, attempts);
        Assert.Equal(Delays.Length, retries);
        Assert.Equal($"read {Delays.Length + 1} failed", gaveUp?.Message);
    }

    [Fact]
    public async Task NoRetryHappensBeforeItsWaitHasPassed()
    {
        var time = new TimerCountingTime();
        var attempts = 0;
        var run = StartupRetry.RunAsync(() => throw new InvalidOperationException($"{++attempts}"), Delays, time, (_, _, _) => { }, _ => { }, CancellationToken.None);
        // The wait's timer must exist before the clock moves, or it would start from the moved clock (a busy box
        // sees the first failure well before the retry loop reaches its wait).
        await WaitFor(() => attempts == 1 && time.Timers == 1);
        time.Advance(Delays[0] - TimeSpan.FromMilliseconds(1));
        await Task.Delay(100);
        Assert.Equal(1, attempts);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitFor(() => attempts == 2);
        Assert.False(run.IsCompleted);
    }

    [Fact]
    public async Task CancellationEndsTheRetries()
    {
        var time = new FakeTimeProvider();
        using var cts = new CancellationTokenSource();
        var attempts = 0;
        var run = StartupRetry.RunAsync(() => throw new InvalidOperationException($"{++attempts}"), Delays, time, (_, _, _) => { }, _ => { }, cts.Token);
        await WaitFor(() => attempts == 1);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(1, attempts);
    }

    /// <summary>Advances the fake clock a second at a time until the run ends.</summary>
    private static async Task<bool> Drive(Task<bool> run, FakeTimeProvider time)
    {
        for (var i = 0; i < 10_000 && !run.IsCompleted; i++)
        {
            await Task.Delay(1);
            time.Advance(TimeSpan.FromSeconds(1));
        }

        return await run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A fake clock that counts the timers created on it (Task.Delay creates one per wait).</summary>
    private sealed class TimerCountingTime : FakeTimeProvider
    {
        private int _timers;

        public int Timers => Volatile.Read(ref _timers);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _timers);
            return base.CreateTimer(callback, state, dueTime, period);
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        for (var i = 0; i < 3_000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
