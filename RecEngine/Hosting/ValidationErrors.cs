namespace RecEngine.Hosting;

/// <summary>Field-keyed validation messages, in the shape of RFC 7807 ValidationProblemDetails' <c>errors</c>.</summary>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public int Count => _errors.Count;

    /// <summary>
    /// The index of the item being validated in a batch: fields are then reported as <c>[index].field</c>. The key
    /// is only built when there is an error, so validating a valid batch allocates nothing per field.
    /// </summary>
    public int? Item { get; set; }

    public void Add(string field, string message)
    {
        if (Item is { } item)
        {
            field = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"[{item}].{field}");
        }

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

        if (!IsId(value))
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

    /// <summary>1-64 characters of letters, digits and <c>_ - . :</c> (ASCII), without a regex on the hot path.</summary>
    public static bool IsId(string value)
    {
        if (value.Length is 0 or > 64)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.' or ':'))
            {
                return false;
            }
        }

        return true;
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
