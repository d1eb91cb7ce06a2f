using Prometheus;
using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Monitoring;

/// <summary>
/// Model version and index size gauges, read from the serving snapshot when /metrics is scraped, so they are current
/// after every swap without the serving path doing anything. Without serving (a host of monitoring alone) it exports nothing.
/// </summary>
internal sealed class ServingMetricsExporter(ServingState? state) : IHostedService
{
    private readonly Lock _gate = new();
    private string? _exported;
    private volatile bool _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = true;
        // prometheus-net's callbacks are process-wide and cannot be removed; a stopped host's callback does nothing.
        Metrics.DefaultRegistry.AddBeforeCollectCallback(Export);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _running = false;
        return Task.CompletedTask;
    }

    internal void Export()
    {
        if (!_running)
        {
            return;
        }

        var snapshot = state?.Current;
        lock (_gate)
        {
            if (_exported is not null && _exported != snapshot?.Version)
            {
                RecEngineMetrics.ModelVersion.RemoveLabelled(_exported);
            }

            _exported = snapshot?.Version;
            if (snapshot is null)
            {
                return;
            }

            RecEngineMetrics.ModelVersion.WithLabels(snapshot.Version).Set(1);
            RecEngineMetrics.IndexVideos.Set(snapshot.Retrieval.Index.Count);
            RecEngineMetrics.IndexDimensions.Set(snapshot.Retrieval.Index.Dimensions);
        }
    }
}
