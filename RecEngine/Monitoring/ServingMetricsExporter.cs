using RecEngine.Hosting;
using RecEngine.Serving;

namespace RecEngine.Monitoring;

/// <summary>
/// Model version and index size gauges, read from the serving snapshot when /metrics is scraped, so they are current
/// after every swap without the serving path doing anything. Without serving (a host of monitoring alone) it exports nothing.
/// </summary>
internal sealed class ServingMetricsExporter(ServingState? state) : ScrapeExporter
{
    private readonly Lock _gate = new();
    private string? _exported;

    protected override void Export()
    {
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
