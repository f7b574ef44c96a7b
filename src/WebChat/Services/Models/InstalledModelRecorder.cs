using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Catalog;
using WebChat.Engine.Downloads;
using WebChat.Engine.Storage;

namespace WebChat.Services.Models;

/// <summary>Writes the InstalledModel rows of a verified download or an import, with what the GGUF header says.</summary>
public sealed class InstalledModelRecorder(IDbContextFactory<WebChatDbContext> dbFactory, ModelStore store)
{
    /// <summary>Id of an imported file: "local/file.gguf".</summary>
    public static string ImportId(string fileName) => $"local/{fileName}";

    /// <summary>Records each installed part of a finished download (the header is read from the first part only).</summary>
    public async Task<IReadOnlyList<InstalledModel>> RecordDownloadAsync(ModelDownload download, string revision, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = new List<InstalledModel>();
        foreach (var part in download.Parts)
        {
            var path = await part.WaitAsync(cancellationToken);
            var descriptor = SplitGgufName.IsFirstPartOrWhole(part.Key.FileName) ? await ModelDescriptors.FromFileAsync(path, cancellationToken) : null;
            var row = await UpsertAsync(db, $"{part.Key.Repo}/{part.Key.FileName}", part.Key.FileName, path, descriptor, ModelSource.Hub, cancellationToken);
            row.Repo = part.Key.Repo.ToString();
            row.Revision = part.Commit ?? revision;
            row.Sha256 = part.Sha256;
            rows.Add(row);
        }

        await db.SaveChangesAsync(cancellationToken);
        return rows;
    }

    /// <summary>Records a file that was imported into the store.</summary>
    public async Task<InstalledModel> RecordImportAsync(InstalledModelFile file, ModelDescriptor descriptor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await UpsertAsync(db, ImportId(file.FileName), file.FileName, file.FullPath, descriptor, ModelSource.Import, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    private async Task<InstalledModel> UpsertAsync(
        WebChatDbContext db, string id, string fileName, string path, ModelDescriptor? descriptor, ModelSource source, CancellationToken cancellationToken)
    {
        // Another node may hold the model already: its row is shared, this node adds its copy.
        var row = await db.InstalledModels.IgnoreQueryFilters().Include(m => m.Copies).SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (row is null)
        {
            row = new InstalledModel { Id = id, FileName = fileName, RelativePath = "" };
            db.Add(row);
        }

        if (!row.Copies.Any(c => c.Node == db.Node))
        {
            row.Copies.Add(new ModelCopy { ModelId = id, Node = db.Node });
        }

        row.RelativePath = Path.GetRelativePath(store.Root, path).Replace('\\', '/');
        row.SizeBytes = new FileInfo(path).Length;
        row.Architecture = descriptor?.Architecture;
        row.ParameterCount = descriptor?.ParameterCount;
        row.Quantization = descriptor?.Quantization;
        row.ContextLength = descriptor?.ContextLength;
        row.Source = source;
        row.InstalledAt = DateTime.UtcNow;
        return row;
    }
}
