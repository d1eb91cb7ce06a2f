using BenchmarkDotNet.Running;

namespace RecEngine.Benchmarks;

/// <summary>
/// <c>dotnet run --project benchmarks/RecEngine.Benchmarks -c Release -- bdn --filter '*'</c> runs the
/// BenchmarkDotNet suites (one folder per module); other first arguments name the load tools.
/// </summary>
public static class BenchmarkProgram
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bdn")
        {
            BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args[1..]);
            return 0;
        }

        if (args.Length > 0 && args[0] == "ranking")
        {
            return Ranking.RankingTool.Run(args[1..]);
        }

        Console.Error.WriteLine("Usage: RecEngine.Benchmarks bdn [BenchmarkDotNet args] | <tool> --help");
        return 2;
    }
}
