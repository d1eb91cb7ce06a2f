using System.Diagnostics;
using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Hosting;

namespace RecEngine.Features;

/// <summary>
/// Fills the <see cref="UserFeatureCache"/> at start from one scan of the stored events and served slates, page by
/// page in time order on a low-priority thread, so the request path serves users from memory instead of paying a
/// LiteDB query for each user it meets first (at 100k users and 5M events that query was most of a request's CPU).
/// Each page is read and applied under the store's exclusive read (no commit, and no on-demand user load, runs
/// meanwhile), so commits keep flowing between pages and none is missed or counted twice (see
/// <see cref="UserFeatureWarmState"/>). Exclusive rather than shared because LiteDB 5.0.x readers racing each other on
/// a store larger than its page cache can read garbage (LiteDB issue 2817), and a full scan churns that cache. It
/// starts when the serving loader has loaded the model (<see cref="Begin"/>), for the same reason. Until it finishes,
/// misses load on demand as before.
/// </summary>
internal sealed partial class UserFeatureWarmup(
    UserFeatureCache cache,
    EventStore store,
    IOptions<FeaturesOptions> options,
    ILogger<UserFeatureWarmup> logger) : BackgroundService
{
    /// <summary>Users held while scanning, as a multiple of the cache capacity, before the warm-up gives up to bound memory.</summary>
    private const int MaxUsersPerCapacity = 2;

    private readonly TaskCompletionSource<int> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _begin = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the number of users published (0 when the warm-up is off, gave up or failed).</summary>
    public Task<int> Completed => _completed.Task;

    /// <summary>Lets the scan start (the serving loader calls it once the model is loaded, or failed to load).</summary>
    public void Begin() => _begin.TrySetResult();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WarmUpUserFeatures)
        {
            _completed.TrySetResult(0);
            return;
        }

        try
        {
            await _begin.Task.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            _completed.TrySetResult(0);
            return;
        }

        await Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(CancellationToken ct)
    {
        BackgroundThreadPriority.Lower(options.Value.WarmUpNice);
        var started = Stopwatch.GetTimestamp();
        var warm = cache.BeginWarmUp();
        var published = 0;
        try
        {
            var page = options.Value.WarmUpPageSize;
            var limit = (long)cache.Capacity * MaxUsersPerCapacity;
            var complete = ScanPages<InteractionEvent>(store.EventsFrom, e => e.Timestamp, e => e.EventId, warm.Scan, warm, limit, page, ct)
                && ScanPages<ServedSlateRecord>(store.SlatesFrom, s => s.Timestamp, s => s.RequestId, s =>
                {
                    foreach (var impression in s.Impressions())
                    {
                        warm.Scan(impression);
                    }
                }, warm, limit, page, ct);
            if (!complete)
            {
                cache.AbandonWarmUp();
                LogTooManyUsers(warm.Builders.Count, cache.Capacity);
            }
            else
            {
                published = cache.CompleteWarmUp(warm);
                LogWarmed(published, warm.Builders.Count, warm.Scanned, Stopwatch.GetElapsedTime(started).TotalSeconds);

            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            cache.AbandonWarmUp();
        }
        catch (Exception ex)
        {
            cache.AbandonWarmUp();
            LogFailed(ex);
        }
        finally
        {
            _completed.TrySetResult(published);
        }
    }

    /// <summary>
    /// Reads a collection page by page in time order (<see cref="TimeOrderedPages{T}"/>), applying each page inside the
    /// store's exclusive read. False when the scan met more users than <paramref name="maxUsers"/>.
    /// </summary>
    private bool ScanPages<T>(Func<DateTime, int, List<T>> read, Func<T, DateTime> time, Func<T, string> id, Action<T> apply,
        UserFeatureWarmState warm, long maxUsers, int pageSize, CancellationToken ct)
    {
        var pages = new TimeOrderedPages<T>(store, read, time, id, DateTime.MinValue, pageSize);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (!pages.Next(apply))
            {
                return true;
            }

            if (warm.Builders.Count > maxUsers)
            {
                return false;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "User features warmed: {Published} of {Users} users cached from {Events} stored events in {Seconds:F1} s")]
    private partial void LogWarmed(int published, int users, long events, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "User-feature warm-up stopped: more than {Users} users for a cache of {Capacity}; users load on demand (raise RecEngine:Features:UserCacheCapacity to warm them)")]
    private partial void LogTooManyUsers(int users, int capacity);

    [LoggerMessage(Level = LogLevel.Error, Message = "User-feature warm-up failed; users load on demand")]
    private partial void LogFailed(Exception ex);
}
