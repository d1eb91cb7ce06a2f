using Microsoft.Extensions.Options;
using RecEngine.Events;
using RecEngine.Lifecycle;
using RecEngine.Monitoring;
using RecEngine.Serving;
using RecEngine.Training;

namespace RecEngine.Simulation.Online;

/// <summary>
/// A stand-in <see cref="IRetrainer"/> for the online loop until the lifecycle module's RetrainingService is in main:
/// trains on the rolling window with <see cref="ModelTraining"/>, always promotes (publishes the new version through
/// <see cref="ServingLoader"/>, a hot swap of the serving snapshot) and makes the last day of its window the drift
/// reference, as a registry would store one per version. No validation against the serving model: delete this class
/// when the real retrainer lands.
/// </summary>
internal sealed class WindowRetrainer(
    ModelTraining training,
    ServingLoader loader,
    ServingState state,
    EventStore events,
    InMemoryDriftDataSource drift,
    IOptions<MonitoringOptions> monitoring,
    OnlineLoopSettings settings,
    TimeProvider time) : IRetrainer, IDisposable
{
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public async Task<RetrainOutcome> RetrainAsync(string trigger, DateTime nowUtc, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var path = training.Train(settings.WindowDays, settings.RankerDays, settings.Epochs, TextWriter.Null, cancellationToken);
            if (path is null)
            {
                return new RetrainOutcome(null, false, "nothing to train on", "none", null, null);
            }

            var version = Path.GetFileName(path);
            if (!loader.Load() || state.Current?.Version != version)
            {
                return new RetrainOutcome(version, false, "the new version did not load", "none", null, null);
            }

            var end = nowUtc;
            drift.SetReference(EventDriftFeatures.Reference(events.InWindow(end - DriftReferenceBootstrap.Window, end), version, time.GetUtcNow(), monitoring.Value));
            return new RetrainOutcome(version, true, $"{trigger}: always promoted (no validation in the simulation's stand-in retrainer)", "none", null, null);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public void Dispose() => _oneAtATime.Dispose();
}
