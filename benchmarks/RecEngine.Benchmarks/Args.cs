using System.Globalization;

namespace RecEngine.Benchmarks;

/// <summary><c>--name value</c> or <c>--name=value</c> options of a load tool; null when an unknown name is given.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string> _values;

    private Args(Dictionary<string, string> values) => _values = values;

    public static Args? Parse(string[] args, params string[] names)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                return null;
            }

            var name = args[i][2..];
            string value;
            if (name.IndexOf('=', StringComparison.Ordinal) is var eq and >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }
            else
            {
                return null;
            }

            if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return null;
            }

            values[name] = value;
        }

        return new Args(values);
    }

    public string? String(string name) => _values.GetValueOrDefault(name);

    public int Int(string name, int fallback) =>
        _values.TryGetValue(name, out var raw) ? int.Parse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture) : fallback;
}
