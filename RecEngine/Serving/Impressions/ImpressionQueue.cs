using System.Threading.Channels;
using Microsoft.Extensions.Options;
using RecEngine.Events;

namespace RecEngine.Serving.Impressions;

/// <summary>
/// Served slates waiting to be stored as impressions. Bounded and non-blocking: a request enqueues and moves on;
/// when the queue is full the slate is dropped and counted, so impression logging can never slow a request down.
/// </summary>
public sealed class ImpressionQueue
{
    private readonly Channel<ServedSlateRecord> _slates;

    public ImpressionQueue(IOptions<ServingOptions> options) =>
        _slates = Channel.CreateBounded<ServedSlateRecord>(new BoundedChannelOptions(options.Value.ImpressionQueueCapacity)
        {
            SingleReader = true,
            // Wait makes TryWrite return false when full (DropWrite would report success): the drop is ours to count.
            FullMode = BoundedChannelFullMode.Wait,
        });

    internal ChannelReader<ServedSlateRecord> Reader => _slates.Reader;

    public int Count => _slates.Reader.Count;

    /// <summary>Queues the slate; false (and counted) when the queue is full.</summary>
    public bool TryEnqueue(ServedSlateRecord slate)
    {
        if (_slates.Writer.TryWrite(slate))
        {
            return true;
        }

        ServingMetrics.ImpressionsDropped.WithLabels("queue_full").Inc(slate.VideoIds.Length);
        return false;
    }
}
