using System.Threading.Channels;
using Microsoft.Extensions.Options;
using RecEngine.Catalog;
using RecEngine.Hosting;

namespace RecEngine.Features.Images;

/// <summary>What the embedding queue has done since start: its progress and its failures.</summary>
internal sealed record ThumbnailEmbeddingStatus(int Waiting, long Embedded, long Failed, long Deferred, string? LastFailure);

/// <summary>
/// Embeds stored thumbnails in the background, one at a time on a low-priority thread, never on a request: an upload
/// stores its thumbnail, enqueues the video and answers. The queue is bounded (<see cref="ThumbnailOptions.QueueCapacity"/>):
/// when full, the upload is still stored and answered, and the embedding is left to training (which embeds what it
/// lacks) or the next start, which first enqueues every stored thumbnail without an embedding. Progress and failures
/// are counted in <see cref="Status"/> and the metrics (<c>recengine_thumbnail_embeddings_total{outcome}</c>,
/// <c>recengine_thumbnail_queue</c>), and each failure is logged. The network is loaded on first use, so a catalog
/// without thumbnails never holds it.
/// </summary>
internal sealed partial class ThumbnailEmbeddingQueue : BackgroundService
{
    private readonly ThumbnailStore _store;
    private readonly RecEngineStore _catalog;
    private readonly ThumbnailOptions _options;
    private readonly ILogger<ThumbnailEmbeddingQueue> _logger;
    private readonly Channel<string> _channel;
    private readonly Lazy<ThumbnailEmbedder> _embedder;
    private long _embedded;
    private long _failed;
    private long _deferred;
    private string? _lastFailure;

    public ThumbnailEmbeddingQueue(ThumbnailStore store, RecEngineStore catalog, IOptions<ThumbnailOptions> options, ILogger<ThumbnailEmbeddingQueue> logger)
    {
        _store = store;
        _catalog = catalog;
        _options = options.Value;
        _logger = logger;
        _channel = Channel.CreateBounded<string>(new BoundedChannelOptions(_options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _embedder = new(() => ThumbnailEmbedder.Load(_options.ModelDirectory, _options.MaxPixels, _options.EmbeddingThreads), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ThumbnailEmbeddingStatus Status =>
        new(_channel.Reader.Count, Interlocked.Read(ref _embedded), Interlocked.Read(ref _failed), Interlocked.Read(ref _deferred), Volatile.Read(ref _lastFailure));

    /// <summary>Queues a video's stored thumbnail for embedding; false (counted as deferred) when the queue is full or off.</summary>
    public bool Enqueue(string videoId)
    {
        if (_options.EmbedInBackground && _channel.Writer.TryWrite(videoId))
        {
            RecEngineMetrics.ThumbnailQueue.Set(_channel.Reader.Count);
            return true;
        }

        Interlocked.Increment(ref _deferred);
        RecEngineMetrics.ThumbnailEmbeddings.WithLabels("deferred").Inc();
        return false;
    }

    /// <summary>Embeds one video's stored thumbnail unless its embedding is current; true when it has one afterwards. Each failure is counted and logged.</summary>
    internal bool Process(string videoId)
    {
        try
        {
            if (!_store.Exists(videoId) || _store.ReadEmbedding(videoId, ThumbnailEmbedder.Dimensions, checkImage: true) is not null)
            {
                return _store.Exists(videoId);
            }

            var check = _embedder.Value.EmbedStored(_store, videoId);
            if (check.IsValid)
            {
                Interlocked.Increment(ref _embedded);
                RecEngineMetrics.ThumbnailEmbeddings.WithLabels("embedded").Inc();
                return true;
            }

            Fail(videoId, check.Message ?? check.Problem.ToString());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Fail(videoId, ex.Message);
        }

        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.EmbedInBackground)
        {
            return;
        }

        await Task.Factory.StartNew(() => Run(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(CancellationToken ct)
    {
        BackgroundThreadPriority.Lower(_options.Nice);
        try
        {
            EnqueueMissing(ct);
            while (_channel.Reader.WaitToReadAsync(ct).AsTask().GetAwaiter().GetResult())
            {
                while (_channel.Reader.TryRead(out var videoId))
                {
                    ct.ThrowIfCancellationRequested();
                    RecEngineMetrics.ThumbnailQueue.Set(_channel.Reader.Count);
                    Process(videoId);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogStopped(ex);
        }
    }

    /// <summary>At start: every stored thumbnail without an embedding (an upload the last run did not finish, or an import).</summary>
    private void EnqueueMissing(CancellationToken ct)
    {
        if (!Directory.Exists(_store.Folder))
        {
            return;
        }

        foreach (var video in _catalog.VideosInIdOrder())
        {
            ct.ThrowIfCancellationRequested();
            if (_store.Exists(video.Id) && !_store.HasEmbedding(video.Id))
            {
                Enqueue(video.Id);
            }
        }
    }

    private void Fail(string videoId, string message)
    {
        Interlocked.Increment(ref _failed);
        Volatile.Write(ref _lastFailure, $"{videoId}: {message}");
        RecEngineMetrics.ThumbnailEmbeddings.WithLabels("failed").Inc();
        LogFailed(videoId, message);
    }

    public override void Dispose()
    {
        base.Dispose();
        if (_embedder.IsValueCreated)
        {
            _embedder.Value.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The thumbnail of video {VideoId} was not embedded: {Reason}")]
    private partial void LogFailed(string videoId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The thumbnail embedding queue stopped")]
    private partial void LogStopped(Exception exception);
}
