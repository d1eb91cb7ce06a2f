using System.Diagnostics;

namespace RecEngine.Tests.Integration;

/// <summary>Runs the real RecEngine executable (the RecEngine.dll built next to the tests) with arguments.</summary>
public static class CliProcess
{
    public static string AppDll => typeof(Program).Assembly.Location;

    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(AppDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{string.Join(' ', args)}' did not finish in {timeout}.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
