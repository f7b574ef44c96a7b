namespace WebChat.Services.Admin;

/// <summary>What the Storage page shows: the models folder, its disk, each model's share and the partial downloads.</summary>
public sealed record StorageReport(
    string ModelsFolder,
    long FreeBytes,
    long ModelBytes,
    long PartialBytes,
    IReadOnlyList<ModelStorageRow> Models,
    IReadOnlyList<PartialFileRow> PartialFiles,
    string DatabasePath,
    long DatabaseBytes,
    TimeSpan StalePartAge)
{
    /// <summary>Everything the models folder holds: finished models and partial downloads.</summary>
    public long UsedBytes => ModelBytes + PartialBytes;
}

/// <summary>One repository in the models folder: its size, file count, and whether the engine serves one of its files.</summary>
public sealed record ModelStorageRow(string Repo, long Bytes, int Files, bool IsLoaded);

/// <summary>A partial download: stale ones are older than the configured age; one a running download writes is never cleaned up.</summary>
public sealed record PartialFileRow(string RelativePath, long SizeBytes, DateTimeOffset ModifiedUtc, bool IsStale, bool IsDownloading);
