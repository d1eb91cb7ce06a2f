using System.Globalization;

namespace RecEngine.Hosting;

/// <summary>
/// The command line split into a verb, the verb's own options, and the switches that belong to .NET
/// configuration (<c>--RecEngine:DataDir=...</c>, <c>--urls</c>), which go to the host builder.
/// </summary>
internal sealed class CommandLine
{
    private static readonly HashSet<string> HostSwitches = new(StringComparer.OrdinalIgnoreCase)
    {
        "urls", "environment", "contentRoot", "applicationName", "RecEngine", "Logging", "Kestrel", "AllowedHosts",
    };

    private CommandLine(string verb, IReadOnlyList<string> positionals, IReadOnlyDictionary<string, string> options, string[] hostArgs, bool help)
    {
        Verb = verb;
        Positionals = positionals;
        Options = options;
        HostArgs = hostArgs;
        Help = help;
    }

    public string Verb { get; }

    /// <summary>Words after the verb that are not options (for example <c>movielens</c> in <c>import movielens</c>).</summary>
    public IReadOnlyList<string> Positionals { get; }

    public IReadOnlyDictionary<string, string> Options { get; }

    public string[] HostArgs { get; }

    public bool Help { get; }

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        string? verb = null;
        var positionals = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var hostArgs = new List<string>();
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                help = true;
                continue;
            }

            if (!arg.StartsWith('-') && !arg.StartsWith('/'))
            {
                if (verb is null)
                {
                    verb = arg.ToLowerInvariant();
                }
                else
                {
                    positionals.Add(arg);
                }

                continue;
            }

            var name = arg.TrimStart('-', '/');
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }

            if (name.Contains(':', StringComparison.Ordinal) || HostSwitches.Contains(name))
            {
                hostArgs.Add($"--{name}={value ?? "true"}");
            }
            else
            {
                options[name] = value ?? "true";
            }
        }

        verb ??= "serve";
        if (verb == "serve" && options.TryGetValue("cluster", out var cluster))
        {
            // The host is built before the verb runs, and a silo is part of the host: configuration turns it on.
            hostArgs.Add($"--RecEngine:Cluster:Enabled={cluster}");
        }

        return new CommandLine(verb, positionals, options, hostArgs.ToArray(), help);
    }

    public string? GetString(string name) => Options.TryGetValue(name, out var v) ? v : null;

    public int GetInt(string name, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!Options.TryGetValue(name, out var raw))
        {
            return fallback;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new VerbUsageException($"--{name} must be an integer between {min} and {max}; got '{raw}'.");
        }

        return value;
    }

    public double GetDouble(string name, double fallback, double min, double max)
    {
        if (!Options.TryGetValue(name, out var raw))
        {
            return fallback;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            throw new VerbUsageException($"--{name} must be a number between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}; got '{raw}'.");
        }

        return value;
    }
}

/// <summary>A mistake on the command line: printed with the verb's usage, exit code 2.</summary>
internal sealed class VerbUsageException(string message) : Exception(message);
