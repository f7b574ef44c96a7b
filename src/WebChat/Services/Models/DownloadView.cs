using WebChat.Data.Entities;
using WebChat.Engine.Downloads;

namespace WebChat.Services.Models;

/// <summary>A download as the pages show it: the stored row, overlaid with live progress while it runs in this process.</summary>
/// <param name="IsInterrupted">The row says it was running, but no job runs it in this process (the app restarted): offer Resume.</param>
public sealed record DownloadView(
    Guid Id,
    string Repo,
    string FileName,
    string Revision,
    DownloadState State,
    long BytesDone,
    long TotalBytes,
    double BytesPerSecond,
    TimeSpan? Eta,
    string? Error,
    DateTime StartedAt,
    DateTime? FinishedAt,
    bool IsInterrupted = false)
{
    public double Fraction => TotalBytes > 0 ? Math.Clamp((double)BytesDone / TotalBytes, 0, 1) : 0;

    public bool IsFinished => State is DownloadState.Completed or DownloadState.Failed or DownloadState.Cancelled;

    public bool CanPause => !IsInterrupted && State is DownloadState.Queued or DownloadState.Downloading;

    public bool CanResume => IsInterrupted || State == DownloadState.Paused;

    public bool CanCancel => !IsFinished && State != DownloadState.Verifying;

    public static DownloadView From(Download row, bool isInterrupted = false) => new(
        row.Id, row.Repo, row.FileName, row.Revision, row.State, row.BytesDone, row.TotalBytes ?? 0, 0, null, row.Error,
        row.StartedAt, row.FinishedAt, isInterrupted);
}
