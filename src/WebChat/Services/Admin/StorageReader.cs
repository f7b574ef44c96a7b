using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Engine.Downloads;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;
using WebChat.Services.Models;

namespace WebChat.Services.Admin;

/// <summary>Reads the models folder and the database file into a <see cref="StorageReport"/>.</summary>
public sealed class StorageReader(
    ModelStore store, IInferenceEngine engine, DownloadManager downloads, IOptions<WebChatOptions> appOptions, IOptions<ModelStoreOptions> storeOptions)
{
    /// <summary>SQLite's write-ahead log holds recent writes beside the database file until a checkpoint.</summary>
    private static readonly string[] DatabaseFileSuffixes = ["", "-wal"];

    public StorageReport Read()
    {
        var status = engine.Status;
        var models = store.DiskUsage()
            .Select(u => new ModelStorageRow(u.Repo.ToString(), u.Bytes, u.Files, LoadedModel.IsInside(status, store, u.Repo)))
            .ToList();
        var partials = store.ListPartialFiles()
            .Select(p => new PartialFileRow(p.RelativePath, p.SizeBytes, p.ModifiedUtc, p.IsStale, downloads.IsWriting(p.FullPath)))
            .ToList();
        var databasePath = appOptions.Value.DatabasePath;
        return new StorageReport(
            store.Root,
            store.FreeSpace(),
            models.Sum(m => m.Bytes),
            partials.Sum(p => p.SizeBytes),
            models,
            partials,
            databasePath,
            DatabaseFileSuffixes.Select(suffix => new FileInfo(databasePath + suffix)).Where(f => f.Exists).Sum(f => f.Length),
            storeOptions.Value.StalePartAge);
    }
}
