namespace WebChat.Engine.Gguf;

/// <summary>Reads GGUF headers (v2, v3): metadata and tensor infos, never the tensor data.</summary>
public static class GgufReader
{
    private const int FirstReadBytes = 256 * 1024;

    /// <summary>
    /// Reads a header from the first bytes of a file. Returns the header, or how many bytes from the start are
    /// needed to get further; throws <see cref="GgufFormatException"/> when the bytes can already be seen to be invalid.
    /// </summary>
    /// <param name="prefix">The first bytes of the file.</param>
    /// <param name="fileLength">The whole file's length when known; a prefix of that length is the whole file.</param>
    /// <param name="limits">Bounds for hostile input; <see cref="GgufReaderLimits.Default"/> when null.</param>
    public static GgufPrefixResult ReadPrefix(ReadOnlySpan<byte> prefix, long? fileLength = null, GgufReaderLimits? limits = null)
    {
        var isWholeFile = fileLength is { } length && prefix.Length >= length;
        try
        {
            var parser = new GgufHeaderParser(prefix, isWholeFile, limits ?? GgufReaderLimits.Default);
            return GgufPrefixResult.Complete(parser.Parse(fileLength));
        }
        catch (GgufHeaderParser.NeedMoreBytes needMore)
        {
            return GgufPrefixResult.NeedsMore(needMore.RequiredLength);
        }
    }

    /// <summary>Reads the header from the stream's current position (the start of the file), reading only as far as the header goes.</summary>
    public static async Task<GgufHeader> ReadAsync(Stream stream, GgufReaderLimits? limits = null, CancellationToken cancellationToken = default)
    {
        limits ??= GgufReaderLimits.Default;
        long? fileLength = stream.CanSeek ? stream.Length - stream.Position : null;
        var buffer = new byte[(int)Math.Min(FirstReadBytes, fileLength ?? FirstReadBytes)];
        var filled = 0;
        while (true)
        {
            filled += await FillAsync(stream, buffer.AsMemory(filled), cancellationToken);
            var ended = filled < buffer.Length;
            var result = ReadPrefix(buffer.AsSpan(0, filled), ended ? filled : fileLength, limits);
            if (result.Header is { } header)
            {
                return header;
            }

            // The parser asks only for bytes within MaxHeaderBytes, so the buffer stays bounded.
            var next = Math.Max(result.RequiredLength, Math.Min((long)buffer.Length * 2, limits.MaxHeaderBytes));
            if (fileLength is { } length)
            {
                next = Math.Min(next, length);
            }

            Array.Resize(ref buffer, (int)Math.Max(next, result.RequiredLength));
        }
    }

    /// <summary>Reads the header of a GGUF file on disk.</summary>
    public static async Task<GgufHeader> ReadFileAsync(string path, GgufReaderLimits? limits = null, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        return await ReadAsync(stream, limits, cancellationToken);
    }

    private static async Task<int> FillAsync(Stream stream, Memory<byte> destination, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = await stream.ReadAsync(destination[total..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
