using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebChat.Engine.Downloads;

/// <summary>One byte range of a .part file and how far it is written from its start (checkpointed, so another process resumes inside it).</summary>
internal sealed class ResumeRange
{
    public required long Start { get; init; }

    /// <summary>Exclusive; moves down when a free connection takes the second half of this range.</summary>
    public required long End { get; set; }

    /// <summary>Bytes written and flushed from <see cref="Start"/>; equal to the length once the range is finished.</summary>
    public long Written { get; set; }

    [JsonIgnore]
    public long Length => End - Start;

    [JsonIgnore]
    public bool IsDone => Written >= Length;

    /// <summary>A connection is fetching this range (not persisted: a new process starts with none).</summary>
    [JsonIgnore]
    public bool IsActive { get; set; }

    /// <summary>Bytes from <see cref="Start"/> its connection has received and is writing: a split never lands below them.</summary>
    [JsonIgnore]
    public long Claimed { get; set; }
}

/// <summary>
/// The sidecar of a .part file: the byte ranges that tile the file (fixed-size at first, halves after a split) and how
/// far each is written, checkpointed every <see cref="DownloadOptions.CheckpointBytes"/>, so another process resumes
/// inside a range instead of fetching it again. Callers lock the map while they read or change its ranges.
/// </summary>
internal sealed class ResumeMap
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = null };

    public required long Size { get; init; }
    public required string Sha256 { get; init; }

    /// <summary>Size of the ranges a new download starts with.</summary>
    public required long ChunkSize { get; init; }

    /// <summary>Ordered by <see cref="ResumeRange.Start"/>, contiguous from 0 to <see cref="Size"/>.</summary>
    public required List<ResumeRange> Ranges { get; init; }

    public long CompletedBytes => Ranges.Sum(r => Math.Clamp(r.Written, 0, r.Length));

    public static ResumeMap Create(long size, string sha256, long chunkSize)
    {
        var ranges = new List<ResumeRange>();
        for (var start = 0L; start < size || ranges.Count == 0; start += chunkSize)
        {
            ranges.Add(new ResumeRange { Start = start, End = Math.Min(size, start + chunkSize) });
        }

        return new ResumeMap { Size = size, Sha256 = sha256, ChunkSize = chunkSize, Ranges = ranges };
    }

    /// <summary>Puts the second half of a split right after its first, keeping the ranges ordered.</summary>
    public void InsertAfter(ResumeRange first, ResumeRange second) => Ranges.Insert(Ranges.IndexOf(first) + 1, second);

    /// <summary>Loads the sidecar when it describes the same content; null when it is missing, unreadable, inconsistent or for other bytes.</summary>
    public static ResumeMap? TryLoad(string path, long size, string sha256)
    {
        try
        {
            var stored = JsonSerializer.Deserialize<StoredMap>(File.ReadAllBytes(path), Json);
            if (stored is null || stored.Size != size || stored.Sha256 != sha256 || stored.ChunkSize <= 0)
            {
                return null;
            }

            var map = new ResumeMap { Size = size, Sha256 = sha256, ChunkSize = stored.ChunkSize, Ranges = stored.Ranges ?? FromFixedChunks(stored) };
            return map.Tiles() ? map : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Writes the sidecar atomically (temporary file, then rename) so a crash never leaves half a map.</summary>
    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(new StoredMap(Size, Sha256, ChunkSize, Ranges, null, null), Json));
        File.Move(temporary, path, overwrite: true);
    }

    // Sidecars written before ranges could split kept a Done flag and a Written count per fixed chunk; a download paused
    // by the previous version resumes from them.
    private static List<ResumeRange> FromFixedChunks(StoredMap stored)
    {
        var ranges = Create(stored.Size, stored.Sha256, stored.ChunkSize).Ranges;
        if (stored.Done?.Length != ranges.Count)
        {
            return [];
        }

        for (var i = 0; i < ranges.Count; i++)
        {
            ranges[i].Written = stored.Done[i] ? ranges[i].Length : stored.Written is { } written && i < written.Length ? written[i] : 0;
        }

        return ranges;
    }

    private bool Tiles()
    {
        var next = 0L;
        foreach (var range in Ranges)
        {
            if (range.Start != next || range.End <= range.Start || range.Written < 0 || range.Written > range.Length)
            {
                return false;
            }

            next = range.End;
        }

        return Ranges.Count > 0 && next == Size;
    }

    private sealed record StoredMap(
        long Size,
        string Sha256,
        long ChunkSize,
        List<ResumeRange>? Ranges,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool[]? Done,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long[]? Written);
}
