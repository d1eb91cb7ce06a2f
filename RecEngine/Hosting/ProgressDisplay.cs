using System.Diagnostics;
using Spectre.Console;

namespace RecEngine.Hosting;

/// <summary>
/// Progress for long CLI work: a Spectre.Console bar on a terminal, a plain line every few seconds when
/// output is redirected (CI, logs), so progress is visible either way.
/// </summary>
internal static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(string title, Func<IProgress<ProgressUpdate>, Task<T>> work)
    {
        if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
        {
            return await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                    var result = await work(new SyncProgress<ProgressUpdate>(u =>
                    {
                        task.Value = Math.Clamp(u.Fraction, 0, 1);
                        task.Description = Markup.Escape($"{title}: {u.Status}");
                    }));
                    task.Value = 1.0;
                    return result;
                });
        }

        var clock = Stopwatch.StartNew();
        TimeSpan? last = null;
        var gate = new object();
        Console.WriteLine($"{title}...");
        var value = await work(new SyncProgress<ProgressUpdate>(u =>
        {
            lock (gate)
            {
                if (last is { } previous && clock.Elapsed - previous < TimeSpan.FromSeconds(2) && u.Fraction < 1)
                {
                    return;
                }

                last = clock.Elapsed;
                Console.WriteLine($"{title}: {u.Fraction:P0} {u.Status} ({clock.Elapsed.TotalSeconds:0}s)");
            }
        }));
        Console.WriteLine($"{title}: done in {clock.Elapsed.TotalSeconds:0.0}s");
        return value;
    }

    /// <summary>
    /// Reports on the caller's thread. Unlike <see cref="Progress{T}"/>, nothing is posted to the thread pool, so
    /// no report can arrive after the work has finished.
    /// </summary>
    public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

/// <summary>How far along (0-1) and a short status such as "120,000 events".</summary>
internal readonly record struct ProgressUpdate(double Fraction, string Status);
