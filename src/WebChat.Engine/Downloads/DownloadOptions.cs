namespace WebChat.Engine.Downloads;

/// <summary>Settings of the download manager (section "WebChat:Downloads").</summary>
public sealed class DownloadOptions
{
    public const string SectionName = "WebChat:Downloads";

    /// <summary>Parallel byte-range connections per file.</summary>
    public int Connections { get; set; } = 4;

    /// <summary>Size of one byte range; finished ranges are remembered across restarts.</summary>
    public long ChunkSize { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// How often a range's progress is flushed to disk and recorded in the resume map: a killed process fetches at
    /// most this much again per connection.
    /// </summary>
    public long CheckpointBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>A range that receives no byte for this long is abandoned and retried.</summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of one range (drops, stalls, 5xx) before the download fails.</summary>
    public int MaxRetriesPerRange { get; set; } = 6;

    /// <summary>First backoff delay of a range retry; it doubles each time, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Files downloading at the same time; more requests wait in the queue.</summary>
    public int MaxConcurrentDownloads { get; set; } = 2;

    /// <summary>How often progress (bytes, speed, ETA) is published.</summary>
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Free space that must remain on the disk after the download.</summary>
    public long DiskHeadroomBytes { get; set; } = 64L * 1024 * 1024;
}
