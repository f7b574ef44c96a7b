namespace WebChat.Data.Entities;

/// <summary>A model download from the Hub, kept so progress and failures survive a restart.</summary>
public class Download
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Repo { get; set; }
    public required string Revision { get; set; }
    public required string FileName { get; set; }
    public DownloadState State { get; set; } = DownloadState.Queued;
    public long BytesDone { get; set; }
    public long? TotalBytes { get; set; }
    public string? Error { get; set; }
    public DateTime StartedAt { get; set; } = DateTime.UtcNow;
    public DateTime? FinishedAt { get; set; }
    public string? RequestedByUserId { get; set; }
}

/// <summary>Where a download is in its life; stored as text.</summary>
public enum DownloadState
{
    Queued,
    Downloading,

    /// <summary>Stopped by an admin; the finished ranges are kept and it resumes from them.</summary>
    Paused,
    Verifying,
    Completed,
    Failed,
    Cancelled,
}
