using WebChat.Engine.Downloads;
using WebChat.Engine.Storage;

namespace WebChat.Services.Admin;

/// <summary>Removes stale partial downloads, never one that a running download still writes.</summary>
public sealed class PartialFileCleanup(ModelStore store, DownloadManager downloads)
{
    /// <summary>Returns how many .part files were removed.</summary>
    public int RemoveStale() => store.CleanStalePartFiles(downloads.IsWriting);
}
