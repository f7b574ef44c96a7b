using WebChat.Engine.Hub;

namespace WebChat.Engine.Downloads;

/// <summary>Where a download is in its life.</summary>
public enum DownloadState
{
    Queued,
    Resolving,
    Downloading,
    Paused,
    Verifying,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>Identifies a download: one file of one repository at one revision.</summary>
public readonly record struct DownloadKey(RepoId Repo, string Revision, string FileName)
{
    public override string ToString() => $"{Repo}/{FileName}@{Revision}";
}

/// <summary>A snapshot of a download's progress.</summary>
/// <param name="Key">Which file.</param>
/// <param name="State">Where the download is in its life.</param>
/// <param name="BytesDone">Bytes written and kept (finished ranges of an earlier run count).</param>
/// <param name="TotalBytes">File size; 0 until the Hub has told it.</param>
/// <param name="BytesPerSecond">Recent speed (smoothed).</param>
/// <param name="Eta">Time left at the recent speed; null while unknown.</param>
/// <param name="Error">The reason, for a person, when State is Failed.</param>
public sealed record DownloadProgress(
    DownloadKey Key, DownloadState State, long BytesDone, long TotalBytes, double BytesPerSecond, TimeSpan? Eta, string? Error = null)
{
    public double Fraction => TotalBytes > 0 ? (double)BytesDone / TotalBytes : 0;

    public bool IsFinished => State is DownloadState.Completed or DownloadState.Failed or DownloadState.Cancelled;
}
