using System.Threading.Channels;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Events;

namespace RecEngine.Serving.Impressions;

/// <summary>
/// Served slates waiting to be stored as impressions. Bounded and non-blocking: a request enqueues and moves on;
/// when the queue is full the slate is dropped and counted, so impression logging can never slow a request down.
/// </summary>
internal sealed class ImpressionQueue
{
    private readonly Channel<ServedSlateRecord> _slates;
    private readonly CatalogIndex? _catalog;
    private readonly ulong _unknownThreshold;

    public ImpressionQueue(IOptions<ServingOptions> options, CatalogIndex? catalog = null)
    {
        _slates = Channel.CreateBounded<ServedSlateRecord>(new BoundedChannelOptions(options.Value.ImpressionQueueCapacity)
        {
            SingleReader = true,
            // Wait makes TryWrite return false when full (DropWrite would report success): the drop is ours to count.
            FullMode = BoundedChannelFullMode.Wait,
        });
        _catalog = catalog;
        _unknownThreshold = (ulong)(options.Value.UnknownUserSlateShare * ulong.MaxValue);
    }

    internal ChannelReader<ServedSlateRecord> Reader => _slates.Reader;

    public int Count => _slates.Reader.Count;

    /// <summary>
    /// Queues the slate; false (and counted) when the queue is full, or when the user is not in the catalog and the
    /// slate falls outside the sampled share (<see cref="ServingOptions.UnknownUserSlateShare"/>): anyone can ask for
    /// slates of made-up user ids, and storing each one would grow the store without bound.
    /// </summary>
    public bool TryEnqueue(ServedSlateRecord slate)
    {
        if (_catalog is not null && !_catalog.UserExists(slate.UserId) && Features.Spec.FeatureHashing.Fnv1a64(slate.RequestId) >= _unknownThreshold)
        {
            ServingMetrics.ImpressionsDropped.WithLabels("unknown_user").Inc(slate.VideoIds.Length);
            return false;
        }

        if (_slates.Writer.TryWrite(slate))
        {
            return true;
        }

        ServingMetrics.ImpressionsDropped.WithLabels("queue_full").Inc(slate.VideoIds.Length);
        return false;
    }
}
