using System.Text.Json;
using nietras.SeparatedValues;
using Parquet;
using Parquet.Schema;
using RecEngine.Hosting;

namespace RecEngine.Transfer;

/// <summary>A field that did not parse or validate.</summary>
internal sealed record FieldError(string Field, string Message);

/// <summary>
/// One row of an import file: its line (CSV and JSONL: the line in the file, 1-based, the CSV header being line 1;
/// Parquet: the row number), the object it maps to, or the errors that stopped it.
/// </summary>
internal sealed record ParsedRow<T>(long Line, T? Value, IReadOnlyList<FieldError> Errors)
    where T : class;

/// <summary>The file cannot be read as the format at all (unknown columns, wrong Parquet types): nothing is imported.</summary>
internal sealed class TransferFileException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Reads import files row by row, in any <see cref="TransferFormat"/>, into the API's objects.</summary>
internal static class RowReader
{
    private static readonly JsonSerializerOptions Json = new(ServiceDefaults.Json) { WriteIndented = false };

    public static IEnumerable<ParsedRow<T>> Read<T>(string path, TransferFormat format, IReadOnlyList<Column<T>> columns, IProgress<double>? progress, CancellationToken cancellationToken)
        where T : class, new() => format switch
        {
            TransferFormat.Csv => ReadCsv(path, columns, progress, cancellationToken),
            TransferFormat.Jsonl => ReadJsonl<T>(path, progress, cancellationToken),
            _ => ReadParquet(path, columns, progress, cancellationToken),
        };

    private static IEnumerable<ParsedRow<T>> ReadCsv<T>(string path, IReadOnlyList<Column<T>> columns, IProgress<double>? progress, CancellationToken ct)
        where T : class, new()
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var reader = Sep.New(',').Reader(o => o with { Unescape = true, DisableColCountCheck = true }).From(stream);
        var indexes = ColumnIndexes(reader.Header.ColNames, columns, path);
        var texts = new string?[columns.Count];
        long rows = 0;
        foreach (var row in reader)
        {
            var line = row.LineNumberFrom;
            for (var c = 0; c < columns.Count; c++)
            {
                texts[c] = indexes[c] >= 0 && indexes[c] < row.ColCount ? row[indexes[c]].ToString() : null;
            }

            if ((++rows & 0x3FFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Report(stream.Length == 0 ? 1 : (double)stream.Position / stream.Length);
            }

            yield return FromTexts(line, texts, columns);
        }
    }

    private static int[] ColumnIndexes<T>(IReadOnlyList<string> header, IReadOnlyList<Column<T>> columns, string path)
    {
        var unknown = header.Where(h => columns.All(c => c.Name != h)).ToList();
        if (unknown.Count > 0)
        {
            throw new TransferFileException($"{path}: unknown column(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; the columns are {string.Join(", ", columns.Select(c => c.Name))}.");
        }

        return columns.Select(c => header.ToList().IndexOf(c.Name)).ToArray();
    }

    private static ParsedRow<T> FromTexts<T>(long line, string?[] texts, IReadOnlyList<Column<T>> columns)
        where T : class, new()
    {
        var value = new T();
        List<FieldError>? errors = null;
        for (var c = 0; c < columns.Count; c++)
        {
            if (texts[c] is not { } text)
            {
                continue;
            }

            if (TransferSchema.TryParse(columns[c].Type, text, out var parsed, out var error))
            {
                if (parsed is not null)
                {
                    columns[c].Set(value, parsed);
                }
            }
            else
            {
                (errors ??= []).Add(new FieldError(columns[c].Name, error!));
            }
        }

        return errors is null ? new ParsedRow<T>(line, value, []) : new ParsedRow<T>(line, null, errors);
    }

    private static IEnumerable<ParsedRow<T>> ReadJsonl<T>(string path, IProgress<double>? progress, CancellationToken ct)
        where T : class
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var reader = new StreamReader(stream);
        long line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if ((line & 0x3FFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Report(stream.Length == 0 ? 1 : (double)stream.Position / stream.Length);
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            T? value;
            FieldError? error = null;
            try
            {
                value = JsonSerializer.Deserialize<T>(text, Json);
                if (value is null)
                {
                    error = new FieldError("$", "must be a JSON object, not null.");
                }
            }
            catch (JsonException ex)
            {
                value = null;
                var field = ex.Path is { Length: > 2 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : "$";
                error = new FieldError(field, $"malformed JSON: {ex.Message}");
            }

            yield return error is null ? new ParsedRow<T>(line, value, []) : new ParsedRow<T>(line, null, [error]);
        }
    }

    private static IEnumerable<ParsedRow<T>> ReadParquet<T>(string path, IReadOnlyList<Column<T>> columns, IProgress<double>? progress, CancellationToken ct)
        where T : class, new()
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        ParquetReader reader;
        try
        {
            reader = ParquetReader.CreateAsync(stream, cancellationToken: ct).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new TransferFileException($"{path}: not a readable Parquet file ({ex.Message}).", ex);
        }

        try
        {
            var fields = reader.Schema.GetDataFields();
            var unknown = fields.Where(f => columns.All(c => c.Name != f.Name)).Select(f => f.Name).ToList();
            if (unknown.Count > 0)
            {
                throw new TransferFileException($"{path}: unknown column(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; the columns are {string.Join(", ", columns.Select(c => c.Name))}.");
            }

            long row = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                ct.ThrowIfCancellationRequested();
                using var group = reader.OpenRowGroupReader(g);
                var count = checked((int)group.RowCount);
                var values = new object?[columns.Count][];
                for (var c = 0; c < columns.Count; c++)
                {
                    var field = fields.FirstOrDefault(f => f.Name == columns[c].Name);
                    values[c] = field is null ? new object?[count] : ParquetColumns.Read(group, field, columns[c].Type, count, path);
                }

                for (var i = 0; i < count; i++)
                {
                    var value = new T();
                    for (var c = 0; c < columns.Count; c++)
                    {
                        if (values[c][i] is { } v)
                        {
                            columns[c].Set(value, v);
                        }
                    }

                    yield return new ParsedRow<T>(++row, value, []);
                }

                progress?.Report((double)(g + 1) / reader.RowGroupCount);
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
