using System.Diagnostics;
using System.Globalization;
using RecEngine.Ranking;
using RecEngine.Training;
using RecEngine.Training.Network;
using RecEngine.Training.Datasets;
using RecEngine.Training.Export;

namespace RecEngine.Benchmarks.Ranking;

/// <summary>
/// <c>-- ranking [--calls N] [--train-examples N]</c>: per-call latency percentiles of the default ranker (the served
/// ensemble, and one of its networks alone; 100, 300, 500, 1,000 candidates, one intra-op thread) and of the raw MLP baseline, with GFLOP/s from layer
/// sizes, then the trainer's throughput in examples/s. BenchmarkDotNet reports iteration means; this
/// times every call, which is what p99 needs.
/// </summary>
internal static class RankingTool
{
    public static int Run(string[] args)
    {
        var calls = Option(args, "--calls", 3000);
        var trainExamples = Option(args, "--train-examples", 40_000);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"default network: input width {RankingModels.DefaultOptions().InputWidth}, {RankingModels.DefaultFlopsPerRow} FLOP/row; MLP baseline {RankingModels.MlpFlopsPerRow} FLOP/row"));
        Console.WriteLine("model                 rows    p50_ms   p99_ms   mean_ms  GFLOP/s(p50)");

        // The served ranker (the default ensemble), then one of its networks alone: the ensemble's cost as a ratio.
        foreach (var (name, members) in new[] { ($"ranker-{RankingModels.DefaultMembers}-networks", RankingModels.DefaultMembers), ("ranker-1-network", 1) })
        {
            using var ranker = RankingModels.DefaultRanker(members: members);
            foreach (var rows in new[] { 100, 300, 500, 1000 })
            {
                var (dense, ids) = RankingModels.Candidates(RankingModels.DefaultOptions(), rows, seed: 3, ranker.DenseFeatures);
                var p = new float[rows];
                var t = new float[rows];
                Report(name, rows, members * RankingModels.DefaultFlopsPerRow, Time(calls, () => ranker.Score(dense, ids, rows, p, t)));
            }
        }

        // The same network without the in-graph normalisation and/or the token bags, timed in the same process so
        // the cost of those graph parts reads as a ratio even on a loaded box.
        var spec = RankingModels.DefaultSpec();
        foreach (var (name, withText, withSpec) in new[] { ("ranker-plain-graph", false, false), ("ranker-bags-only", true, false), ("ranker-transforms-only", false, true) })
        {
            var options = withText ? RankingModels.DefaultOptions() : RankingModels.DefaultOptions() with { TextFields = [] };
            using var variant = OnnxRanker.Load(RankerOnnxExporter.ToBytes(new RankerNetwork(options, seed: 1), withSpec ? spec : null), name, new OnnxRankerOptions { IntraOpThreads = 1 });
            var (dense, ids) = RankingModels.Candidates(options, 500, seed: 3, variant.DenseFeatures);
            var p = new float[500];
            var t = new float[500];
            Report(name, 500, 2 * options.MultiplyAddsPerRow, Time(calls, () => variant.Score(dense, ids, 500, p, t)));
        }

        var baseline = new RankerOnnxBaselineBenchmarks();
        baseline.Setup();
        Report("mlp-256-512-256-128-1", 500, RankingModels.MlpFlopsPerRow, Time(calls, baseline.Mlp500));
        baseline.Cleanup();

        foreach (var shards in new[] { 1, 2 })
        {
            TrainingThroughput(trainExamples, shards);
        }

        return 0;
    }

    private static void TrainingThroughput(int examples, int shards)
    {
        var options = RankingModels.DefaultOptions();
        var (dense, ids) = RankingModels.Candidates(options, examples, seed: 5);
        var random = new Random(6);
        var watched = new float[examples];
        var seconds = new float[examples];
        for (var i = 0; i < examples; i++)
        {
            watched[i] = dense[i * options.DenseFeatures] + 0.5f * dense[i * options.DenseFeatures + 1] > 0 ? 1 : 0;
            seconds[i] = watched[i] > 0 ? (float)(random.NextDouble() * 120) : 0;
        }

        var data = new RankerExamples(options.DenseFeatures, options.IdWidth, dense, ids, watched, seconds);
        var network = RankingModels.DefaultNetwork();
        var trainer = new RankerTrainer(network, new RankerTrainerOptions { BatchSize = 256, Shards = shards });
        trainer.TrainBatch(data, Enumerable.Range(0, 256).ToArray()); // warm-up (JIT)
        var clock = Stopwatch.StartNew();
        var loss = trainer.TrainEpoch(data);
        var elapsed = clock.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"training: {examples} examples, batch 256, shards {shards}, threads {Environment.ProcessorCount}: {elapsed:F2} s, {examples / elapsed:F0} examples/s (epoch loss {loss:F3})"));
    }

    private static double[] Time(int calls, Action action)
    {
        for (var i = 0; i < Math.Max(50, calls / 10); i++)
        {
            action();
        }

        var times = new double[calls];
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return times;
    }

    private static void Report(string model, int rows, long flopsPerRow, double[] sorted)
    {
        var p50 = sorted[sorted.Length / 2];
        var p99 = sorted[(int)(sorted.Length * 0.99)];
        var gflops = flopsPerRow * (double)rows / (p50 / 1000) / 1e9;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{model,-21} {rows,5} {p50,9:F3} {p99,8:F3} {sorted.Average(),9:F3} {gflops,10:F1}"));
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
