using System.Text.Json;

namespace WebChat.Engine.Downloads;

/// <summary>
/// The sidecar of a .part file: which fixed-size ranges are fully written, and how far each unfinished one is
/// written from its start (checkpointed every <see cref="DownloadOptions.CheckpointBytes"/>), so another process
/// resumes inside a range instead of fetching it again.
/// </summary>
internal sealed class ResumeMap
{
    public required long Size { get; init; }
    public required string Sha256 { get; init; }
    public required long ChunkSize { get; init; }
    public required bool[] Done { get; init; }

    /// <summary>Bytes of each range written and flushed from its start; absent in maps written before checkpoints existed.</summary>
    public long[]? Written { get; set; }

    public int ChunkCount => Done.Length;

    public long CompletedBytes => Enumerable.Range(0, ChunkCount).Sum(i => Done[i] ? ChunkLength(i) : WrittenIn(i));

    /// <summary>Where the unfinished range <paramref name="index"/> continues, counted from its start.</summary>
    public long WrittenIn(int index) => Written is { } written && index < written.Length ? Math.Clamp(written[index], 0, ChunkLength(index)) : 0;

    public long ChunkStart(int index) => index * ChunkSize;

    public long ChunkLength(int index) => Math.Min(ChunkSize, Size - ChunkStart(index));

    public static ResumeMap Create(long size, string sha256, long chunkSize) => new()
    {
        Size = size,
        Sha256 = sha256,
        ChunkSize = chunkSize,
        Done = new bool[Math.Max(1, (int)((size + chunkSize - 1) / chunkSize))],
        Written = new long[Math.Max(1, (int)((size + chunkSize - 1) / chunkSize))],
    };

    /// <summary>Loads the sidecar when it describes the same content; null when it is missing, unreadable or for other bytes.</summary>
    public static ResumeMap? TryLoad(string path, long size, string sha256)
    {
        try
        {
            var map = JsonSerializer.Deserialize<ResumeMap>(File.ReadAllBytes(path));
            return map is not null && map.Size == size && map.Sha256 == sha256 && map.ChunkSize > 0
                   && map.Done.Length == Create(size, sha256, map.ChunkSize).Done.Length ? WithWritten(map) : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static ResumeMap WithWritten(ResumeMap map)
    {
        if (map.Written?.Length != map.ChunkCount)
        {
            map.Written = new long[map.ChunkCount];
        }

        return map;
    }

    /// <summary>Writes the sidecar atomically (temporary file, then rename) so a crash never leaves half a map.</summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(this));
        File.Move(temporary, path, overwrite: true);
    }
}
