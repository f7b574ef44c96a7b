using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Models;

/// <summary>
/// Which node holds which model file (<see cref="ModelCopy"/>). A model's row, with its admin settings, is shared by
/// every node and lives while any node holds the file; each node adds and removes only its own copy.
/// </summary>
public static class ModelCopyRows
{
    /// <summary>Removes this node's copy of each model; a model no node holds any more loses its row.</summary>
    public static async Task ForgetHereAsync(WebChatDbContext db, IReadOnlyCollection<string> modelIds, CancellationToken cancellationToken)
    {
        var here = db.Node;
        await db.ModelCopies.Where(c => modelIds.Contains(c.ModelId) && c.Node == here).ExecuteDeleteAsync(cancellationToken);
        await db.InstalledModels.IgnoreQueryFilters().Where(m => modelIds.Contains(m.Id) && !m.Copies.Any()).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// At start: records this node's copy of every model whose file is in its models folder, and takes downloads no
    /// node owns (rows written before nodes were named, or copied from a SQLite node). A single node (SQLite) is the only node there is, so copies under
    /// another name (the machine was renamed) become its own.
    /// </summary>
    public static async Task RecordPresentAsync(WebChatDbContext db, string modelsDirectory, bool singleNode, CancellationToken cancellationToken)
    {
        var here = db.Node;
        if (singleNode)
        {
            await db.ModelCopies.Where(c => c.Node != here).ExecuteDeleteAsync(cancellationToken);
        }

        await db.Downloads.IgnoreQueryFilters().Where(d => d.Node == null).ExecuteUpdateAsync(set => set.SetProperty(d => d.Node, here), cancellationToken);
        var models = await db.InstalledModels.IgnoreQueryFilters().Include(m => m.Copies).ToListAsync(cancellationToken);
        foreach (var model in models.Where(m => !m.Copies.Any(c => c.Node == here) && File.Exists(Path.Combine(modelsDirectory, m.RelativePath))))
        {
            model.Copies.Add(new ModelCopy { ModelId = model.Id, Node = here });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
