using BenchmarkDotNet.Running;

namespace RecEngine.Benchmarks;

/// <summary>
/// <c>dotnet run --project benchmarks/RecEngine.Benchmarks -c Release -- bdn --filter '*'</c> runs the
/// BenchmarkDotNet suites (one folder per module); other first arguments name the load tools.
/// </summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "bdn":
                BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args[1..]);
                return 0;
            case "ingest":
                return await Events.IngestBenchmark.RunAsync(args[1..]);
            case "killloop":
                return await Events.KillLoop.RunAsync(args[1..]);
            case "load":
                return await Serving.LoadTest.RunAsync(args[1..]);
            case "ranking":
                return Ranking.RankingTool.Run(args[1..]);
            default:
                Console.Error.WriteLine("Usage: RecEngine.Benchmarks bdn [BenchmarkDotNet args] | ingest [--events N] [--batch B] [--concurrency C] [--json FILE] | killloop [--kills 50] [--clients 4] [--batch 200] | ranking [--calls N] [--train-examples N] | load --url URL --rps R --seconds S [--json FILE]");
                return 2;
        }
    }
}
