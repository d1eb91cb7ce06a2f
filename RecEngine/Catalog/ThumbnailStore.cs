using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using RecEngine.Hosting;

namespace RecEngine.Catalog;

/// <summary>What a thumbnail write did: stored new bytes, replaced others, or found the same bytes already there.</summary>
internal enum ThumbnailWrite
{
    Created,
    Replaced,
    Unchanged,
}

/// <summary>
/// Thumbnails beside the store: <c>thumbnails/</c> in the data directory, one file per video named by a hash of its id
/// (ids may hold characters a file name cannot), <c>.jpg</c> or <c>.png</c> by content, and its visual embedding
/// (<c>.emb</c>: the SHA-256 of the image it was computed from, then float32 values, little-endian) beside it. Every
/// file is written durably: a temp file in the same folder, fsync, rename over the old one, fsync of the folder. A write
/// of bytes already stored changes nothing (not even the file's time), so a retry is free. The image bytes are checked
/// by the caller (the preprocessing spec); this class only stores them.
/// </summary>
internal sealed class ThumbnailStore
{
    private static readonly string[] Extensions = [".jpg", ".png"];

    public ThumbnailStore(DataDirectory dataDirectory)
        : this(Path.Combine(dataDirectory.Root, "thumbnails"))
    {
    }

    public ThumbnailStore(string folder)
    {
        Folder = folder;
    }

    public string Folder { get; }

    /// <summary>Stores a thumbnail (JPEG or PNG, by <paramref name="extension"/>); drops a stale embedding when the bytes change.</summary>
    public ThumbnailWrite Write(string videoId, ReadOnlySpan<byte> image, string extension)
    {
        if (!Extensions.Contains(extension))
        {
            throw new ArgumentException($"Thumbnails are .jpg or .png, not '{extension}'.", nameof(extension));
        }

        var existing = Find(videoId);
        if (existing is not null && existing.EndsWith(extension, StringComparison.Ordinal) && SameBytes(existing, image))
        {
            return ThumbnailWrite.Unchanged;
        }

        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, Key(videoId) + extension);
        WriteDurably(path, image);
        if (existing is not null && existing != path)
        {
            File.Delete(existing);
        }

        // The embedding of other bytes is stale; the embedder writes a new one.
        File.Delete(EmbeddingPath(videoId));
        DirectorySync.Flush(Folder);
        return existing is null ? ThumbnailWrite.Created : ThumbnailWrite.Replaced;
    }

    /// <summary>The stored thumbnail's path, or null.</summary>
    public string? Find(string videoId)
    {
        var key = Key(videoId);
        foreach (var extension in Extensions)
        {
            var path = Path.Combine(Folder, key + extension);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }

    public bool Exists(string videoId) => Find(videoId) is not null;

    /// <summary>The stored bytes and their content type, or null.</summary>
    public (byte[] Bytes, string ContentType)? Read(string videoId)
    {
        var path = Find(videoId);
        if (path is null)
        {
            return null;
        }

        try
        {
            return (File.ReadAllBytes(path), path.EndsWith(".png", StringComparison.Ordinal) ? "image/png" : "image/jpeg");
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Deletes the thumbnail and its embedding (the video was deleted); false when there was none.</summary>
    public bool Delete(string videoId)
    {
        if (!Directory.Exists(Folder))
        {
            return false;
        }

        var path = Find(videoId);
        File.Delete(EmbeddingPath(videoId));
        if (path is null)
        {
            return false;
        }

        File.Delete(path);
        DirectorySync.Flush(Folder);
        return true;
    }

    /// <summary>Stores the embedding of the image whose SHA-256 is <paramref name="imageHash"/>.</summary>
    public void WriteEmbedding(string videoId, ReadOnlySpan<byte> imageHash, ReadOnlySpan<float> embedding)
    {
        var bytes = new byte[32 + (4 * embedding.Length)];
        imageHash[..32].CopyTo(bytes);
        for (var i = 0; i < embedding.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(32 + (4 * i)), embedding[i]);
        }

        Directory.CreateDirectory(Folder);
        WriteDurably(EmbeddingPath(videoId), bytes);
        DirectorySync.Flush(Folder);
    }

    /// <summary>
    /// The embedding of the stored thumbnail, or null when there is none yet, or it was computed from other bytes than
    /// those stored now (checked when <paramref name="checkImage"/>; training reads thousands and skips the check).
    /// </summary>
    public float[]? ReadEmbedding(string videoId, int dimensions, bool checkImage = false)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(EmbeddingPath(videoId));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        if (bytes.Length != 32 + (4 * dimensions))
        {
            return null;
        }

        if (checkImage)
        {
            var image = Read(videoId);
            if (image is null || !SHA256.HashData(image.Value.Bytes).AsSpan().SequenceEqual(bytes.AsSpan(0, 32)))
            {
                return null;
            }
        }

        var embedding = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            embedding[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(32 + (4 * i)));
        }

        return embedding;
    }

    public bool HasEmbedding(string videoId) => File.Exists(EmbeddingPath(videoId));

    private string EmbeddingPath(string videoId) => Path.Combine(Folder, Key(videoId) + ".emb");

    /// <summary>Hex of the first 16 bytes of SHA-256(id): a safe, fixed-length file name.</summary>
    internal static string Key(string videoId) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(videoId)).AsSpan(0, 16));

    private static bool SameBytes(string path, ReadOnlySpan<byte> image)
    {
        try
        {
            var info = new FileInfo(path);
            return info.Length == image.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(image);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
    }

    private static void WriteDurably(string path, ReadOnlySpan<byte> bytes)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                file.Write(bytes);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
