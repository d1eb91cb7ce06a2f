using System.Text;

namespace RecEngine.Features;

/// <summary>
/// A column of strings stored as UTF-8 in one array, decoded on read. At a million videos a title costs its UTF-8 bytes
/// and a 4-byte offset, where a string object cost a 22-byte header and two bytes a character (49 MB against 17 MB for
/// the simulator's titles). Reads allocate the string; the request path reads a few hundred.
/// </summary>
internal sealed class Utf8Column
{
    private readonly byte[] _bytes;
    private readonly int[] _offsets;

    public Utf8Column(IReadOnlyList<string?> values)
    {
        _offsets = new int[values.Count + 1];
        long total = 0;
        for (var i = 0; i < values.Count; i++)
        {
            total += Encoding.UTF8.GetByteCount(values[i] ?? "");
        }

        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"A text column of {total:N0} UTF-8 bytes does not fit one array.");
        }

        _bytes = new byte[total];
        var at = 0;
        for (var i = 0; i < values.Count; i++)
        {
            at += Encoding.UTF8.GetBytes(values[i] ?? "", _bytes.AsSpan(at));
            _offsets[i + 1] = at;
        }
    }

    public int Count => _offsets.Length - 1;

    public string this[int index] => Encoding.UTF8.GetString(Utf8(index));

    /// <summary>The value's UTF-8 bytes, without decoding.</summary>
    public ReadOnlySpan<byte> Utf8(int index) => _bytes.AsSpan(_offsets[index], _offsets[index + 1] - _offsets[index]);

    public long EstimatedBytes => Hosting.ManagedSize.OfArray(_bytes.Length, 1) + Hosting.ManagedSize.OfArray(_offsets.Length, sizeof(int));
}
