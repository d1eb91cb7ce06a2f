using System.Text.RegularExpressions;

namespace RecEngine.Hosting;

/// <summary>Field-keyed validation messages, in the shape of RFC 7807 ValidationProblemDetails' <c>errors</c>.</summary>
public sealed partial class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public int Count => _errors.Count;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>Checks an identifier: 1-64 characters of letters, digits and <c>_ - . :</c>.</summary>
    public bool RequireId(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            Add(field, "is required.");
            return false;
        }

        if (!IdPattern().IsMatch(value))
        {
            Add(field, "must be 1-64 characters of letters, digits, '_', '-', '.' or ':'.");
            return false;
        }

        return true;
    }

    public void RequireText(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"must be at most {maxLength} characters.");
        }
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    private static partial Regex IdPattern();
}
