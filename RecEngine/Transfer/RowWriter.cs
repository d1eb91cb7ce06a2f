using System.Text.Json;
using nietras.SeparatedValues;
using Parquet;
using Parquet.Schema;
using RecEngine.Hosting;

namespace RecEngine.Transfer;

/// <summary>
/// Writes export files in any <see cref="TransferFormat"/>, with the same columns imports read. The file is written
/// beside its destination and renamed into place when complete, so an interrupted export leaves no partial file.
/// </summary>
internal static class RowWriter
{
    /// <summary>Rows per Parquet row group: a few MB of columns in memory at a time.</summary>
    public const int ParquetRowGroupSize = 100_000;

    private static readonly JsonSerializerOptions Json = new(ServiceDefaults.Json) { WriteIndented = false, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    public static async Task<long> WriteAsync<T>(string path, TransferFormat format, IReadOnlyList<Column<T>> columns, IEnumerable<T> rows, Action<long>? progress, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            long count;
            await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                count = format switch
                {
                    TransferFormat.Csv => WriteCsv(stream, columns, rows, progress, cancellationToken),
                    TransferFormat.Jsonl => WriteJsonl(stream, rows, progress, cancellationToken),
                    _ => await WriteParquetAsync(stream, columns, rows, progress, cancellationToken),
                };
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
            return count;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static long WriteCsv<T>(Stream stream, IReadOnlyList<Column<T>> columns, IEnumerable<T> rows, Action<long>? progress, CancellationToken ct)
    {
        using var writer = Sep.New(',').Writer(o => o with { Escape = true }).To(stream, leaveOpen: true);
        writer.Header.Add(columns.Select(c => c.Name).ToArray());
        long count = 0;
        foreach (var item in rows)
        {
            // Sep's NewRow(CancellationToken) is for asynchronous writing only; this one is synchronous.
#pragma warning disable CA2016
            using (var row = writer.NewRow())
#pragma warning restore CA2016
            {
                foreach (var column in columns)
                {
                    row[column.Name].Set(TransferSchema.Format(column.Get(item)));
                }
            }

            if ((++count & 0x3FFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Invoke(count);
            }
        }

        if (count == 0)
        {
            writer.Header.Write();
        }

        progress?.Invoke(count);
        return count;
    }

    private static long WriteJsonl<T>(Stream stream, IEnumerable<T> rows, Action<long>? progress, CancellationToken ct)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
        long count = 0;
        foreach (var item in rows)
        {
            JsonSerializer.Serialize(json, item, Json);
            json.Flush();
            stream.WriteByte((byte)'\n');
            json.Reset();
            if ((++count & 0x3FFF) == 0)
            {
                ct.ThrowIfCancellationRequested();
                progress?.Invoke(count);
            }
        }

        progress?.Invoke(count);
        return count;
    }

    private static async Task<long> WriteParquetAsync<T>(Stream stream, IReadOnlyList<Column<T>> columns, IEnumerable<T> rows, Action<long>? progress, CancellationToken ct)
    {
        var fields = columns.Select(c => ParquetColumns.Field(c.Name, c.Type)).ToArray();
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, cancellationToken: ct);
        var chunk = new List<T>(ParquetRowGroupSize);
        long count = 0;

        async Task FlushAsync()
        {
            using var group = writer.CreateRowGroup();
            for (var c = 0; c < columns.Count; c++)
            {
                var values = new object?[chunk.Count];
                for (var i = 0; i < chunk.Count; i++)
                {
                    values[i] = columns[c].Get(chunk[i]);
                }

                await ParquetColumns.WriteAsync(group, fields[c], columns[c].Type, values, ct);
            }

            count += chunk.Count;
            chunk.Clear();
            progress?.Invoke(count);
        }

        foreach (var item in rows)
        {
            chunk.Add(item);
            if (chunk.Count == ParquetRowGroupSize)
            {
                ct.ThrowIfCancellationRequested();
                await FlushAsync();
            }
        }

        if (chunk.Count > 0 || count == 0)
        {
            await FlushAsync();
        }

        return count;
    }
}
