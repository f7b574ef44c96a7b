using WebChat.Engine.Downloads;

namespace WebChat.Data.Entities;

/// <summary>A model download from the Hub, kept so progress and failures survive a restart.</summary>
public class Download
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Repo { get; set; }
    public required string Revision { get; set; }
    public required string FileName { get; set; }
    /// <summary>The engine's states, stored as text; a model of several parts gets one, mapped in LiveDownload.</summary>
    public DownloadState State { get; set; } = DownloadState.Queued;
    public long BytesDone { get; set; }
    public long? TotalBytes { get; set; }
    public string? Error { get; set; }
    public DateTime StartedAt { get; set; } = DateTime.UtcNow;
    public DateTime? FinishedAt { get; set; }
    public string? RequestedByUserId { get; set; }

    /// <summary>The node downloading into its models folder (WebChat:NodeName); null in rows from before nodes were named.</summary>
    public string? Node { get; set; }
}
