using WebChat.Engine.Gguf;

namespace WebChat.Engine.Hub;

/// <summary>Reads a remote GGUF's header with byte-range requests: a small first read, grown until the reader has the whole header.</summary>
/// <remarks>Each request fetches only bytes not yet held, so no byte crosses the network twice; the total is capped (64 MiB by default).</remarks>
public sealed class GgufHeaderPeek(HubClient hub)
{
    public const int DefaultFirstReadBytes = 256 * 1024;
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    public int FirstReadBytes { get; init; } = DefaultFirstReadBytes;

    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>Resolves the file and reads its header; throws GgufFormatException when the bytes are not a GGUF header.</summary>
    public async Task<GgufHeader> ReadAsync(RepoId repo, string revision, string fileName, CancellationToken cancellationToken = default)
    {
        var location = await hub.ResolveFileAsync(repo, revision, fileName, cancellationToken);
        return await ReadAsync(location, $"{repo}/{fileName}", cancellationToken);
    }

    public async Task<GgufHeader> ReadAsync(HubFileLocation location, string what, CancellationToken cancellationToken = default)
    {
        var buffer = new byte[(int)Math.Min(FirstReadBytes, location.Size)];
        var held = 0;
        while (true)
        {
            held += await FetchAsync(location, buffer.AsMemory(held), held, what, cancellationToken);
            var result = GgufReader.ReadPrefix(buffer.AsSpan(0, held), location.Size);
            if (result.Header is { } header)
            {
                return header;
            }

            var next = Math.Min(location.Size, Math.Max(result.RequiredLength, (long)held * 2));
            if (next > MaxBytes || next <= held)
            {
                throw new HubBadResponseException($"The GGUF header of {what} is larger than {MaxBytes / (1024 * 1024)} MiB; it cannot be read before downloading.");
            }

            Array.Resize(ref buffer, (int)next);
        }
    }

    private async Task<int> FetchAsync(HubFileLocation location, Memory<byte> destination, long offset, string what, CancellationToken cancellationToken)
    {
        using var response = await hub.GetRangeAsync(location.DownloadUri, offset, offset + destination.Length - 1, what, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var read = await body.ReadAtLeastAsync(destination, destination.Length, throwOnEndOfStream: false, cancellationToken);
        return read == destination.Length ? read : throw new HubBadResponseException($"The Hub sent {read} of {destination.Length} header bytes of {what}.");
    }
}
