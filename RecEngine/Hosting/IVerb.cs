namespace RecEngine.Hosting;

/// <summary>One CLI verb. Modules register theirs in DI; <see cref="VerbRunner"/> dispatches.</summary>
internal interface IVerb
{
    string Name { get; }

    string Summary { get; }

    /// <summary>Usage line after the verb, for example <c>--users N --videos N</c>.</summary>
    string Usage { get; }

    IReadOnlyList<VerbOption> Options { get; }

    /// <summary>The HTTP endpoint that does the same job while a server holds the store, if any.</summary>
    string? ServerAlternative { get; }

    Task<int> RunAsync(WebApplication app, CommandLine command, CancellationToken cancellationToken);
}

internal sealed record VerbOption(string Name, string Description, string? Default = null);

/// <summary>Work done once when <c>serve</c> starts on an empty data directory (demo world, first model).</summary>
internal interface IFirstRunStep
{
    int Order { get; }

    Task RunAsync(CancellationToken cancellationToken);
}
