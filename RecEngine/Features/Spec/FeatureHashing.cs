using System.Text;

namespace RecEngine.Features.Spec;

/// <summary>Stable string hashing for vocabularies (process- and run-independent, unlike string.GetHashCode).</summary>
internal static class FeatureHashing
{
    private const ulong FnvOffset = 0xcbf29ce484222325;
    private const ulong FnvPrime = 0x100000001b3;

    /// <summary>64-bit FNV-1a over the UTF-8 bytes (Fowler, Noll &amp; Vo).</summary>
    public static ulong Fnv1a64(string value)
    {
        Span<byte> buffer = value.Length <= 128 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(value.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        var n = Encoding.UTF8.GetBytes(value, buffer);
        var hash = FnvOffset;
        foreach (var b in buffer[..n])
        {
            hash ^= b;
            hash *= FnvPrime;
        }

        return hash;
    }

    /// <summary>Bucket 1..buckets-1 for a hash; 0 is reserved for missing and out-of-vocabulary.</summary>
    public static long Bucket(ulong hash, int buckets) => 1 + (long)(hash % (ulong)(buckets - 1));

    /// <summary>Lower-case letter/digit runs of a text, at most <paramref name="max"/>.</summary>
    public static IEnumerable<string> Tokens(string? text, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            yield break;
        }

        var count = 0;
        var start = -1;
        for (var i = 0; i <= text.Length && count < max; i++)
        {
            var isWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWord && start < 0)
            {
                start = i;
            }
            else if (!isWord && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                count++;
                start = -1;
            }
        }
    }
}
