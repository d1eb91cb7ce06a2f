namespace RecEngine.Hosting;

internal static class VerbRunner
{
    /// <summary>Runs the verb named on the command line (default <c>serve</c>) and returns the exit code.</summary>
    public static async Task<int> RunVerbAsync(this WebApplication app, CommandLine command)
    {
        var verbs = app.Services.GetServices<IVerb>().OrderBy(v => v.Name, StringComparer.Ordinal).ToList();
        if (command.Verb == "help")
        {
            PrintVerbs(verbs, Console.Out);
            return 0;
        }

        var verb = verbs.FirstOrDefault(v => v.Name == command.Verb);
        if (verb is null)
        {
            await Console.Error.WriteLineAsync($"Unknown verb '{command.Verb}'.");
            PrintVerbs(verbs, Console.Error);
            return 2;
        }

        if (command.Help)
        {
            PrintUsage(verb, Console.Out);
            return 0;
        }

        var unknown = command.Options.Keys.Where(k => verb.Options.All(o => !string.Equals(o.Name, k, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync($"Unknown option(s) for '{verb.Name}': {string.Join(", ", unknown.Select(u => "--" + u))}");
            PrintUsage(verb, Console.Error);
            return 2;
        }

        using var cts = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return await verb.RunAsync(app, command, cts.Token);
        }
        catch (VerbUsageException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            PrintUsage(verb, Console.Error);
            return 2;
        }
        catch (StoreLockedException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            if (verb.ServerAlternative is not null)
            {
                await Console.Error.WriteLineAsync($"While the server runs, use its endpoint instead: {verb.ServerAlternative}" +
                    (ex.ServerUrl is null ? "" : $" on {ex.ServerUrl}"));
            }

            return 3;
        }
        catch (StoreOpenException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return StoreOpenException.ExitCode;
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("Cancelled.");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void PrintVerbs(IEnumerable<IVerb> verbs, TextWriter writer)
    {
        writer.WriteLine("Usage: RecEngine [verb] [options]   (no verb means serve)");
        writer.WriteLine();
        foreach (var verb in verbs)
        {
            writer.WriteLine($"  {verb.Name,-12} {verb.Summary}");
        }

        writer.WriteLine();
        writer.WriteLine("Every verb takes --help and .NET configuration switches such as --RecEngine:DataDir=PATH.");
    }

    private static void PrintUsage(IVerb verb, TextWriter writer)
    {
        writer.WriteLine($"Usage: RecEngine {verb.Name} {verb.Usage}".TrimEnd());
        writer.WriteLine();
        writer.WriteLine(verb.Summary);
        if (verb.Options.Count > 0)
        {
            writer.WriteLine();
            writer.WriteLine("Options:");
            foreach (var option in verb.Options)
            {
                var dflt = option.Default is null ? "" : $" (default {option.Default})";
                writer.WriteLine($"  --{option.Name,-14} {option.Description}{dflt}");
            }
        }

        writer.WriteLine();
        writer.WriteLine("Configuration switches (any verb): --RecEngine:DataDir=PATH, environment variables RecEngine__DataDir=PATH.");
        if (verb.ServerAlternative is not null)
        {
            writer.WriteLine($"While a server holds the data directory, use {verb.ServerAlternative} instead.");
        }
    }
}
