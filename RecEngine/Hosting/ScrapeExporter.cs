using Prometheus;

namespace RecEngine.Hosting;

/// <summary>
/// A hosted service that sets its gauges when /metrics is scraped, so they are current without any request path doing
/// anything. prometheus-net's callbacks are process-wide and cannot be removed: a stopped host's callback does nothing.
/// </summary>
internal abstract class ScrapeExporter : IHostedService
{
    private volatile bool _running;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _running = true;
        Metrics.DefaultRegistry.AddBeforeCollectCallback(() =>
        {
            if (_running)
            {
                Export();
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _running = false;
        return Task.CompletedTask;
    }

    /// <summary>Sets the gauges; called on the scraping thread while the host runs.</summary>
    protected abstract void Export();
}
