using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RecEngine.Tests.Integration;

namespace RecEngine.Tests.Hosting;

/// <summary>
/// docs/configuration.md is generated from the options records the app binds (their XML comments, defaults and
/// ranges). The test fails when the file differs from what the code says, naming the options it lacks; run it with
/// <c>RECENGINE_UPDATE_DOCS=1</c> to write the file.
/// </summary>
public sealed class ConfigurationDocsTests
{
    [Fact]
    public async Task ConfigurationDocMatchesTheOptionsRecords()
    {
        await using var factory = new RecEngineFactory();
        using var client = factory.CreateClient();
        var bound = BoundOptionsTypes(factory.Services);
        Assert.Contains(bound, t => t.Name == "ServingOptions");
        var expected = Generate(bound);
        // Every option says what it does: an XML comment on its property, not only a range.
        var undescribed = Regex.Matches(expected, @"^\| `([^`]+)` \|[^|]*\|[^|]*\| (Range [^|]*)?\|$", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();
        Assert.True(undescribed.Count == 0, $"Options without a <summary>: {string.Join(", ", undescribed)}");
        var path = Path.Combine(OpenApiTests.RepositoryRoot(), "docs", "configuration.md");
        if (Environment.GetEnvironmentVariable("RECENGINE_UPDATE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(path, expected);
        }

        var actual = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        var missing = Keys(expected).Except(Keys(actual)).ToList();
        Assert.True(missing.Count == 0, $"Options missing from docs/configuration.md: {string.Join(", ", missing)}. Regenerate: RECENGINE_UPDATE_DOCS=1 dotnet test --filter ConfigurationDocsTests");
        Assert.True(expected == actual, "docs/configuration.md differs from the options records (a description, default or range changed). Regenerate: RECENGINE_UPDATE_DOCS=1 dotnet test --filter ConfigurationDocsTests");
    }

    /// <summary>Options types bound from configuration: those with a change-token source registered (BindConfiguration adds one).</summary>
    private static List<Type> BoundOptionsTypes(IServiceProvider services) =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && t is { IsClass: true, IsAbstract: false } && t.GetConstructor(Type.EmptyTypes) is not null)
            .Where(t => ((IEnumerable)services.GetRequiredService(typeof(IEnumerable<>).MakeGenericType(typeof(IOptionsChangeTokenSource<>).MakeGenericType(t)))).Cast<object>().Any())
            .OrderBy(t => Section(t), StringComparer.Ordinal)
            .ToList();

    /// <summary>Defaults computed from the machine's cores: written as the formula, so the file is the same on every machine.</summary>
    private static readonly Dictionary<string, (object Value, string Text)> MachineDefaults = new(StringComparer.Ordinal)
    {
        ["RecEngine:Retrieval:Als:Threads"] = (Environment.ProcessorCount, "cores"),
        ["RecEngine:Retrieval:Index:BuildThreads"] = (Environment.ProcessorCount, "cores"),
        ["RecEngine:Retrieval:Index:SearchThreads"] = (Math.Max(4, Environment.ProcessorCount * 2), "max(4, 2 x cores)"),
    };

    private static string Section(Type type) =>
        type.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string
        ?? throw new InvalidOperationException($"{type.Name} is bound from configuration but has no 'public const string Section'.");

    private static IEnumerable<string> Keys(string markdown) =>
        Regex.Matches(markdown, @"^\| `([^`]+)` \|", RegexOptions.Multiline).Select(m => m.Groups[1].Value);

    private static string Generate(List<Type> types)
    {
        var docs = XDocument.Load(Path.ChangeExtension(typeof(Program).Assembly.Location, ".xml"));
        var members = docs.Descendants("member").ToDictionary(m => (string)m.Attribute("name")!, m => m);
        var md = new StringBuilder();
        md.AppendLine("# Configuration");
        md.AppendLine();
        md.AppendLine("Every setting below is read through the standard .NET configuration: `RecEngine/appsettings.json`, environment");
        md.AppendLine("variables (`RecEngine__Serving__Deadline=00:00:00.050`, a double underscore per `:`), and command-line switches of");
        md.AppendLine("any verb (`--RecEngine:Serving:Deadline=00:00:00.050`). Durations are `TimeSpan`s (`d.hh:mm:ss.fff`). Options are");
        md.AppendLine("validated at start: a value out of range stops the process with a message naming it.");
        md.AppendLine();
        md.AppendLine("This file is generated from the options records (their XML comments, defaults and ranges) by");
        md.AppendLine("`RecEngine.Tests/Hosting/ConfigurationDocsTests.cs`, which fails when it differs from the code. Regenerate it with");
        md.AppendLine("`RECENGINE_UPDATE_DOCS=1 dotnet test RecEngine.Tests -c Release --filter ConfigurationDocsTests`.");
        foreach (var type in types)
        {
            var section = Section(type);
            md.AppendLine();
            md.AppendLine($"## `{section}`");
            md.AppendLine();
            md.AppendLine($"{Summary(members, "T:" + type.FullName)} (`{type.Name}`)");
            md.AppendLine();
            md.AppendLine("| key | type | default | description |");
            md.AppendLine("|---|---|---|---|");
            var defaults = Activator.CreateInstance(type);
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanRead && p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
            {
                var description = Summary(members, $"P:{type.FullName}.{property.Name}");
                if (property.GetCustomAttribute<RangeAttribute>() is { } range)
                {
                    description += $" Range {Format(range.Minimum)} to {Format(range.Maximum)}.";
                }

                var key = $"{section}:{property.Name}";
                var value = property.GetValue(defaults);
                var shown = MachineDefaults.TryGetValue(key, out var machine) && Equals(machine.Value, value) ? machine.Text : Format(value);
                md.AppendLine($"| `{key}` | {TypeName(property.PropertyType)} | {Cell(shown)} | {Cell(description.Trim())} |");
            }
        }

        return md.ToString();
    }

    private static string Summary(Dictionary<string, XElement> members, string id)
    {
        if (!members.TryGetValue(id, out var member) || member.Element("summary") is not { } summary)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var node in summary.Nodes())
        {
            text.Append(node switch
            {
                XText t => t.Value,
                XElement { Name.LocalName: "see" or "seealso" } e => "`" + (((string?)e.Attribute("cref"))?.Split('.', ':')[^1] ?? (string?)e.Attribute("langword") ?? (string?)e.Attribute("href") ?? "") + "`",
                XElement { Name.LocalName: "c" or "paramref" or "typeparamref" } e => "`" + (e.Value.Length > 0 ? e.Value : (string?)e.Attribute("name")) + "`",
                XElement e => e.Value,
                _ => "",
            });
        }

        return Regex.Replace(text.ToString(), @"\s+", " ").Trim();
    }

    private static string TypeName(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return TypeName(underlying) + "?";
        }

        return type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>" : type.Name;
    }

    private static string Format(object? value) => value switch
    {
        null => "(none)",
        string { Length: 0 } => "(empty)",
        string s => s,
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        Enum e => e.ToString(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Format)) + "]",
        _ => System.Text.Json.JsonSerializer.Serialize(value, TestJson.Options).Replace("\n", " ", StringComparison.Ordinal).Replace("  ", "", StringComparison.Ordinal),
    };

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
