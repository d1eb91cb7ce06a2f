using Parquet;
using Parquet.Schema;

namespace RecEngine.Transfer;

/// <summary>
/// Column types in Parquet files: text and tags as UTF-8 strings (tags '|'-separated), numbers as doubles, integers
/// as int32, booleans, timestamps as Parquet timestamps (UTC). Every column is optional (nullable), as in the API.
/// </summary>
internal static class ParquetColumns
{
    public static DataField Field(string name, ColumnType type) => type switch
    {
        ColumnType.Number => new DataField<double?>(name),
        ColumnType.WholeNumber => new DataField<int?>(name),
        ColumnType.Boolean => new DataField<bool?>(name),
        ColumnType.Timestamp => new DataField<DateTime?>(name),
        _ => new DataField<string>(name, true),
    };

    public static object?[] Read(ParquetRowGroupReader group, DataField field, ColumnType type, int count, string path)
    {
        var expected = type switch
        {
            ColumnType.Number => typeof(double),
            ColumnType.WholeNumber => typeof(int),
            ColumnType.Boolean => typeof(bool),
            ColumnType.Timestamp => typeof(DateTime),
            _ => typeof(string),
        };
        // Parquet.Net describes UTF-8 columns it reads as ReadOnlyMemory<char>; they are read as strings all the same.
        if (field.ClrType != expected && !(expected == typeof(string) && field.ClrType == typeof(ReadOnlyMemory<char>)))
        {
            throw new TransferFileException($"{path}: column '{field.Name}' holds {field.ClrType.Name}; expected {expected.Name}.");
        }

        return type switch
        {
            ColumnType.Number => Box<double>(group, field, count),
            ColumnType.WholeNumber => Box<int>(group, field, count),
            ColumnType.Boolean => Box<bool>(group, field, count),
            ColumnType.Timestamp => Box<DateTime>(group, field, count).Select(t => t is DateTime d ? (object)DateTime.SpecifyKind(d, DateTimeKind.Utc) : null).ToArray(),
            ColumnType.Tags => Strings(group, field, count).Select(s => s is null ? null : (object)(s.Length == 0 ? [] : s.Split(TransferSchema.TagSeparator))).ToArray(),
            _ => Strings(group, field, count).Select(s => (object?)s).ToArray(),
        };
    }

    private static string?[] Strings(ParquetRowGroupReader group, DataField field, int count)
    {
        var values = new string?[count];
        group.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
        return values;
    }

    private static object?[] Box<T>(ParquetRowGroupReader group, DataField field, int count)
        where T : struct
    {
        if (field.IsNullable)
        {
            var nullable = new T?[count];
            group.ReadAsync(field, nullable.AsMemory()).AsTask().GetAwaiter().GetResult();
            return nullable.Select(v => v.HasValue ? (object)v.Value : null).ToArray();
        }

        var values = new T[count];
        group.ReadAsync(field, values.AsMemory()).AsTask().GetAwaiter().GetResult();
        return values.Select(v => (object?)v).ToArray();
    }

    public static async Task WriteAsync(ParquetRowGroupWriter group, DataField field, ColumnType type, IReadOnlyList<object?> values, CancellationToken ct)
    {
        switch (type)
        {
            case ColumnType.Number:
                await group.WriteAsync<double>(field, new ReadOnlyMemory<double?>(values.Select(v => v is null ? (double?)null : Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()), cancellationToken: ct);
                break;
            case ColumnType.WholeNumber:
                await group.WriteAsync<int>(field, new ReadOnlyMemory<int?>(values.Select(v => (int?)v).ToArray()), cancellationToken: ct);
                break;
            case ColumnType.Boolean:
                await group.WriteAsync<bool>(field, new ReadOnlyMemory<bool?>(values.Select(v => (bool?)v).ToArray()), cancellationToken: ct);
                break;
            case ColumnType.Timestamp:
                await group.WriteAsync<DateTime>(field, new ReadOnlyMemory<DateTime?>(values.Select(v => v is DateTime t ? (DateTime?)t.ToUniversalTime() : null).ToArray()), cancellationToken: ct);
                break;
            default:
                await group.WriteAsync(field, values.Select(v => v is null ? null : TransferSchema.Format(v)).ToArray(), null);
                break;
        }
    }
}
