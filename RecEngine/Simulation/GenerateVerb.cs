using System.Globalization;
using Microsoft.Extensions.Options;
using RecEngine.Hosting;

namespace RecEngine.Simulation;

/// <summary><c>generate</c>: writes a synthetic world (users, videos, event history) into the data directory.</summary>
internal sealed class GenerateVerb : IVerb
{
    public string Name => "generate";

    public string Summary => "Write a synthetic world (users, videos, event history) into the data directory. " +
        "Refuses a data directory that already holds data unless --force, which first deletes its videos, users and events.";

    public string Usage => "--users N --videos N --days N --seed S [--scenario NAME] [--switch-day D] [--start YYYY-MM-DD] [--force] [--format movielens --out DIR [--ratings-model taste|exposure] [--popularity-exponent A] [--taste-temperature T]]";

    public IReadOnlyList<VerbOption> Options { get; } =
    [
        new("users", "Users to create (1-10,000,000).", "RecEngine:Simulation:Users, 10000"),
        new("videos", "Videos to create (1-50,000,000).", "RecEngine:Simulation:Videos, 20000"),
        new("days", "Days of event history (1-3650).", "RecEngine:Simulation:Days, 14"),
        new("seed", "Random seed; the same seed and sizes give the same world.", "RecEngine:Simulation:Seed, 42"),
        new("scenario", $"Drift scenario: {string.Join(", ", Scenario.Names)}.", "none"),
        new("switch-day", "Day the scenario switches on (0 to days - 1).", "days / 2"),
        new("start", "Date of day 0 (UTC).", "so that the last day ends at today's midnight UTC"),
        new("force", "Replace the videos, users and events already in the data directory (models are left as they are)."),
        new("format", "movielens: write the world's ratings as ml-latest ratings.csv and movies.csv into --out instead of the data directory (see MovieLensExport and --ratings-model)."),
        new("out", "Directory for --format movielens."),
        new("ratings-model", "--format movielens: taste (users choose what to rate by true taste and popularity, as MovieLens users do; TasteRatingChoice) or exposure (the platform's history replayed: users rate what the logging policy showed them).", "taste"),
        new("popularity-exponent", "--ratings-model taste: exponent a in P(movie) ∝ exp(quality)^a · exp(affinity / τ).", "1.5"),
        new("taste-temperature", "--ratings-model taste: temperature τ of taste (smaller: choices follow taste more strictly).", "0.2"),
    ];

    /// <summary>Options that only mean something for an export.</summary>
    private static readonly string[] ExportOnly = ["ratings-model", "popularity-exponent", "taste-temperature", "out"];

    public string? ServerAlternative => "PUT /v1/videos/{id}, PUT /v1/users/{id} and POST /v1/events";

    public Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken) =>
        RunAsync(app.Services, command, cancellationToken);

    internal async Task<int> RunAsync(IServiceProvider services, CommandLine command, CancellationToken cancellationToken)
    {
        var defaults = services.GetRequiredService<IOptions<SimulationOptions>>().Value;
        var days = command.GetInt("days", defaults.Days, 1, 3650);
        var options = defaults with
        {
            Users = command.GetInt("users", defaults.Users, 1, 10_000_000),
            Videos = command.GetInt("videos", defaults.Videos, 1, 50_000_000),
            Days = days,
            Seed = command.GetInt("seed", defaults.Seed),
            Scenario = command.GetString("scenario") ?? defaults.Scenario,
            SwitchDay = command.Options.ContainsKey("switch-day") ? command.GetInt("switch-day", 0, 0, days - 1) : defaults.SwitchDay,
            Start = ParseStart(command.GetString("start")) ?? defaults.Start,
        };
        if (options.ResolveSwitchDay() >= days)
        {
            throw new VerbUsageException($"The switch day ({options.ResolveSwitchDay()}) must be before the last day; pass --switch-day 0-{days - 1}.");
        }

        try
        {
            Scenario.Parse(options.Scenario, options.ResolveSwitchDay());
        }
        catch (FormatException ex)
        {
            throw new VerbUsageException(ex.Message);
        }

        if (command.GetString("format") is null && ExportOnly.FirstOrDefault(command.Options.ContainsKey) is { } exportOnly)
        {
            throw new VerbUsageException($"--{exportOnly} applies to --format movielens only.");
        }

        if (command.GetString("format") is { } format)
        {
            return await ExportAsync(format, command, options, services, cancellationToken);
        }

        var writer = services.GetRequiredService<WorldWriter>();
        var dataDir = services.GetRequiredService<DataDirectory>();
        if (writer.StoreHasData)
        {
            if (command.GetString("force") is not ("true" or "True"))
            {
                throw new VerbUsageException($"The data directory '{dataDir.Root}' already holds a catalog or events. " +
                    "Pass --force to replace them, or point --RecEngine:DataDir at an empty directory.");
            }

            writer.Clear();
        }

        var result = await WorldGeneration.RunAsync(options, services, Console.Out, cancellationToken);
        var seconds = result.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {result.Users:N0} users, {result.Videos:N0} videos and {result.Events:N0} events in {seconds:0.0} s " +
            $"({result.Events / Math.Max(seconds, 1e-9):N0} events/s) to {dataDir.DatabasePath}."));
        return 0;
    }

    private static async Task<int> ExportAsync(string format, CommandLine command, SimulationOptions options, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (format != "movielens")
        {
            throw new VerbUsageException($"--format must be movielens; got '{format}'.");
        }

        var outDir = command.GetString("out");
        if (string.IsNullOrWhiteSpace(outDir))
        {
            throw new VerbUsageException("--format movielens needs --out DIR, the directory for ratings.csv and movies.csv.");
        }

        var model = command.GetString("ratings-model") switch
        {
            null or "taste" => MovieLensRatingModel.Taste,
            "exposure" => MovieLensRatingModel.Exposure,
            var other => throw new VerbUsageException($"--ratings-model must be taste or exposure; got '{other}'."),
        };
        if (model == MovieLensRatingModel.Exposure && new[] { "popularity-exponent", "taste-temperature" }.FirstOrDefault(command.Options.ContainsKey) is { } tasteOnly)
        {
            throw new VerbUsageException($"--{tasteOnly} applies to --ratings-model taste only.");
        }

        var defaults = new TasteRatingParameters();
        var taste = defaults with
        {
            PopularityExponent = GetDouble(command, "popularity-exponent", defaults.PopularityExponent, 0, 10),
            TasteTemperature = GetDouble(command, "taste-temperature", defaults.TasteTemperature, 0.001, 100),
        };
        var start = options.ResolveStart(services.GetRequiredService<TimeProvider>());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Generating a world of {options.Users:N0} users and {options.Videos:N0} videos over {options.Days} days from {start:yyyy-MM-dd} (seed {options.Seed}) as MovieLens files, {model.ToString().ToLowerInvariant()} ratings."));
        var world = await Task.Run(() => new SimulatedWorld(options, start), cancellationToken);
        var result = await Task.Run(() => MovieLensExport.Write(world, model, taste, outDir, Console.Out, cancellationToken), cancellationToken);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {result.Ratings:N0} ratings of {result.Users:N0} users and {result.Movies:N0} movies to {Path.GetFullPath(outDir)}."));
        Console.WriteLine(result.Summary.ToString());
        return 0;
    }

    private static double GetDouble(CommandLine command, string name, double fallback, double min, double max)
    {
        if (command.GetString(name) is not { } raw)
        {
            return fallback;
        }

        return double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new VerbUsageException(string.Create(CultureInfo.InvariantCulture, $"--{name} must be a number between {min} and {max}; got '{raw}'."));
    }

    private static DateTime? ParseStart(string? value)
    {
        if (value is null)
        {
            return null;
        }

        return DateTime.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start)
            ? DateTime.SpecifyKind(start, DateTimeKind.Utc)
            : throw new VerbUsageException($"--start must be a date like 2025-01-31; got '{value}'.");
    }
}
