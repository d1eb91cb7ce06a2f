using Microsoft.Extensions.Time.Testing;
using RecEngine.Events;
using RecEngine.Hosting;
using RecEngine.Lifecycle;
using RecEngine.Monitoring;
using RecEngine.Serving;

namespace RecEngine.Simulation.Online;

/// <summary>
/// Plays the online days of one run against its host: each day the simulated users' sessions get their slates from
/// the real <see cref="RecommendationPipeline"/> and respond by the hidden ground truth; the day's events go through ingestion
/// (<see cref="EventWriter"/>, so the user features, the drift window and the store see them as they would see the
/// API's); at simulated midnight the drift monitor checks the day and, when retraining is on, the retrainer runs on
/// schedule or on a drift alarm and hot-swaps the serving model.
/// </summary>
internal sealed class OnlineLoop(SimulatedWorld world, OnlineLoopSettings settings, IHost host, FakeTimeProvider clock, bool retraining)
{
    /// <summary>Events per ingestion call, as a client would batch them.</summary>
    private const int BatchSize = 5_000;

    public async Task<List<SimulatedDay>> RunAsync(IProgress<ProgressUpdate>? progress, CancellationToken cancellationToken)
    {
        var services = host.Services;
        var state = services.GetRequiredService<ServingState>();
        var writer = services.GetRequiredService<EventWriter>();
        var monitor = services.GetRequiredService<DriftMonitor>();
        var retrainer = retraining ? services.GetRequiredService<RetrainingService>() : null;
        var policy = new ServingSlatePolicy(world.Truth, world.Oracle, services.GetRequiredService<RecommendationPipeline>());
        var visits = new VisitRates(world.Truth.UserCount, settings.Retention);
        var generator = new HistoryGenerator(world.Truth, world.Behaviour, policy, visits);
        HashSet<string>? cohort = null;
        await WaitUntilServingAsync(state, services.GetRequiredService<InMemoryDriftDataSource>(), cancellationToken);

        var days = new List<SimulatedDay>(settings.Days);
        for (var day = 0; day < settings.Days; day++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var worldDay = settings.HistoryDays + day;
            progress?.Report(new ProgressUpdate((double)day / settings.Days, $"day {day + 1} of {settings.Days}: serving"));
            var version = state.Current?.Version ?? "none";
            var canary = state.Canary?.Version;
            var events = await Task.Run(() => generator.GenerateDay(worldDay), cancellationToken);
            policy.TagServed(events);
            for (var i = 0; i < events.Count; i += BatchSize)
            {
                await writer.WriteAsync(events.GetRange(i, Math.Min(BatchSize, events.Count - i)));
            }

            var watchSeconds = events.Where(e => e.Type is EventType.Watch or EventType.Skip).Sum(e => e.WatchSeconds);
            var active = events.Select(e => e.UserId).ToHashSet(StringComparer.Ordinal);
            cohort ??= active;
            var returning = active.Count(cohort.Contains);
            var slates = policy.SlatesToday;

            var midnight = world.Truth.DayStart(worldDay + 1);
            clock.SetUtcNow(midnight);
            // A feature newly in drift starts a retraining through the monitor's listener, debounced as on the server.
            var driftRun = retrainer?.Background;
            var report = await monitor.CheckOnceAsync(cancellationToken);
            driftRun = retrainer?.Background is { } started && started != driftRun ? started : null;
            var alarms = report?.Features.Count(f => f.State == DriftState.Drift) ?? 0;
            var score = report?.Features.Max(f => f.Psi ?? 0) ?? 0;

            var (trigger, outcome) = retrainer is null ? (null, null) : await RetrainAtMidnightAsync(retrainer, driftRun, day, midnight, progress, cancellationToken);
            var promoted = outcome?.ChangedServing ?? false;
            days.Add(new SimulatedDay(day, slates, events.Count, slates == 0 ? 0 : watchSeconds / slates, slates == 0 ? 0 : policy.ExpectedSecondsToday / slates,
                policy.BestSecondsToday > 0 ? policy.ExpectedSecondsToday / policy.BestSecondsToday : 0, alarms, score, version, promoted, trigger)
            {
                DriftFeatures = report?.Features.Where(f => f.State == DriftState.Drift).Select(f => f.Feature).ToList() ?? [],
                RetrainReason = outcome?.Concluded is { } concluded ? $"{concluded.Reason} | {outcome.Reason}" : outcome?.Reason,
                CanaryVersion = canary,
                CanaryStarted = outcome?.Canary ?? false,
                ActiveUserIds = active,
                CohortActiveShare = cohort.Count == 0 ? 0 : (double)returning / cohort.Count,
                MeanVisitRate = visits.MeanMultiplier(),
                Satisfaction = visits.MeanSatisfactionToday(),
            });
        }

        progress?.Report(new ProgressUpdate(1, $"{settings.Days} days"));
        return days;
    }

    /// <summary>
    /// The retraining of one simulated midnight: the drift-triggered one the day's check started, if any, else the daily
    /// schedule's (every <see cref="OnlineLoopSettings.RetrainEveryDays"/> days). One per midnight: a schedule right after
    /// a drift retraining would train on the same window again.
    /// </summary>
    private async Task<(string? Trigger, RetrainOutcome? Outcome)> RetrainAtMidnightAsync(
        RetrainingService retrainer, Task<RetrainOutcome>? driftRun, int day, DateTime midnight, IProgress<ProgressUpdate>? progress, CancellationToken cancellationToken)
    {
        var trigger = driftRun is not null ? "drift" : (day + 1) % settings.RetrainEveryDays == 0 ? "schedule" : null;
        if (trigger is null)
        {
            return (null, null);
        }

        progress?.Report(new ProgressUpdate((day + 0.5) / settings.Days, $"day {day + 1} of {settings.Days}: retraining ({trigger})"));
        var outcome = driftRun is not null
            ? await driftRun.WaitAsync(cancellationToken)
            : await retrainer.RetrainAsync(trigger, midnight, cancellationToken);
        return (trigger, outcome);
    }

    /// <summary>The host loads the first model and builds the drift reference in the background at start; wait for both.</summary>
    private static async Task WaitUntilServingAsync(ServingState state, InMemoryDriftDataSource drift, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (state.Current is null || drift.Reference is null)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException(state.Current is null
                    ? "The simulation's first model did not load within 5 minutes."
                    : "The simulation's drift reference was not built within 5 minutes.");
            }

            await Task.Delay(50, cancellationToken);
        }
    }
}
