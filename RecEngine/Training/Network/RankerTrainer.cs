using RecEngine.Training.Datasets;
using RecEngine.Training.Export;
namespace RecEngine.Training.Network;

/// <summary>
/// Mini-batch trainer: shuffles with a seeded generator, splits each batch into shards run on parallel
/// workers (one workspace and gradient buffer each), sums the shards' gradients in order, then steps Adam on
/// the dense parameters and Adagrad on the embedding rows the batch touched.
/// </summary>
internal sealed class RankerTrainer
{
    private readonly RankerTrainerOptions _options;
    private readonly Random _random;
    private readonly AdamOptimizer _adam;
    private readonly AdagradOptimizer[] _adagrad;
    private readonly RankerWorkspace[] _workspaces;
    private readonly RankerGradients[] _gradients;
    private readonly float[] _dense;
    private readonly long[] _ids;
    private readonly float[] _watched;
    private readonly float[] _seconds;
    private readonly float[] _offsets;
    private readonly (double Watch, double Time)[] _shardLoss;

    public RankerTrainer(RankerNetwork network, RankerTrainerOptions options)
    {
        Network = network;
        _options = options;
        _random = new Random(options.Seed);
        _adam = new AdamOptimizer(network.DenseParameters, options.LearningRate);
        _adagrad = [.. network.Tables.Select(t => new AdagradOptimizer(t, options.EmbeddingLearningRate))];
        var shardRows = (options.BatchSize + options.Shards - 1) / options.Shards;
        _workspaces = [.. Enumerable.Range(0, options.Shards).Select(_ => new RankerWorkspace(network, shardRows))];
        _gradients = [.. Enumerable.Range(0, options.Shards).Select(_ => new RankerGradients(network))];
        _dense = new float[options.BatchSize * network.DenseFeatures];
        _ids = new long[options.BatchSize * network.IdWidth];
        _watched = new float[options.BatchSize];
        _seconds = new float[options.BatchSize];
        _offsets = new float[options.BatchSize];
        _shardLoss = new (double, double)[options.Shards];
    }

    public RankerNetwork Network { get; }

    /// <summary>Runs every epoch; returns the mean training loss of each.</summary>
    public IReadOnlyList<double> Train(RankerExamples data)
    {
        var losses = new List<double>();
        for (var epoch = 0; epoch < _options.Epochs; epoch++)
        {
            losses.Add(TrainEpoch(data));
        }

        return losses;
    }

    /// <summary>
    /// One pass over the shuffled examples; returns the mean of the batches' losses. With <paramref name="average"/>,
    /// a checkpoint is added to it <paramref name="checkpoints"/> times, evenly spaced, the last after the last batch.
    /// </summary>
    public double TrainEpoch(RankerExamples data, ParameterAverage? average = null, int checkpoints = 0)
    {
        var order = Enumerable.Range(0, data.Count).ToArray();
        _random.Shuffle(order);
        var total = 0.0;
        var batches = 0;
        var count = (order.Length + _options.BatchSize - 1) / _options.BatchSize;
        var taken = 0;
        for (var start = 0; start < order.Length; start += _options.BatchSize)
        {
            var rows = order.AsSpan(start, Math.Min(_options.BatchSize, order.Length - start));
            total += TrainBatch(data, rows);
            batches++;
            // Checkpoint c (1-based) falls after batch ceil(c * count / checkpoints).
            while (average is not null && taken < checkpoints && batches * (long)checkpoints >= (taken + 1L) * count)
            {
                average.Add();
                taken++;
            }
        }

        return batches == 0 ? 0 : total / batches;
    }

    /// <summary>One optimiser step on the given example rows; returns the batch's loss before the step.</summary>
    public double TrainBatch(RankerExamples data, ReadOnlySpan<int> rows)
    {
        var batch = rows.Length;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch, _options.BatchSize);
        if (batch == 0)
        {
            return 0;
        }

        var d = data.DenseFeatures;
        var f = data.Fields;
        for (var i = 0; i < batch; i++)
        {
            var r = rows[i];
            data.Dense.AsSpan(r * d, d).CopyTo(_dense.AsSpan(i * d));
            data.Categorical.AsSpan(r * f, f).CopyTo(_ids.AsSpan(i * f));
            _watched[i] = data.Watched[r];
            _seconds[i] = data.WatchSeconds[r];
            _offsets[i] = data.LogitOffsets?[r] ?? 0f;
        }

        var offsets = data.LogitOffsets is not null;

        var watchScale = 1f / batch;
        var weightSum = RankerLoss.WeightSum(_watched.AsSpan(0, batch), _seconds.AsSpan(0, batch));
        // All positives with zero seconds leave nothing to weigh: the watch-time head sits this batch out.
        var timeScale = weightSum > 0 ? (float)(_options.WatchTimeLossWeight / weightSum) : 0f;
        var shardRows = (batch + _options.Shards - 1) / _options.Shards;
        Parallel.For(0, _options.Shards, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelism }, s =>
        {
            var start = s * shardRows;
            var n = Math.Min(shardRows, batch - start);
            if (n <= 0)
            {
                _shardLoss[s] = default;
                return;
            }

            var ws = _workspaces[s];
            var ids = _ids.AsSpan(start * f, n * f);
            Network.Forward(ws, _dense.AsSpan(start * d, n * d), ids, n);
            if (offsets)
            {
                // A fixed additive term (a shallow tower with frozen weights): dL/dz of the network's own logits is unchanged.
                for (var i = 0; i < n; i++)
                {
                    for (var h = 0; h < RankerNetwork.Heads; h++)
                    {
                        ws.Logits[(i * RankerNetwork.Heads) + h] += _offsets[start + i];
                    }
                }
            }

            _shardLoss[s] = RankerLoss.Compute(ws, _watched.AsSpan(start, n), _seconds.AsSpan(start, n), n, watchScale, timeScale);
            Network.Backward(ws, ids, n, _gradients[s]);
        });

        var loss = 0.0;
        for (var s = 0; s < _options.Shards; s++)
        {
            loss += _shardLoss[s].Watch + _shardLoss[s].Time;
            if (s > 0)
            {
                _gradients[0].Add(_gradients[s]);
            }
        }

        _adam.Step(_gradients[0].Dense);
        for (var t = 0; t < _adagrad.Length; t++)
        {
            _adagrad[t].Step(_gradients[0].Sparse[t]);
        }

        foreach (var g in _gradients)
        {
            g.Clear();
        }

        return loss;
    }
}
