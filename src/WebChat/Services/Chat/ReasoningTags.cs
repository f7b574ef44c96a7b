using Microsoft.EntityFrameworkCore;
using WebChat.Engine.Storage;
using WebChat.Data;

namespace WebChat.Services.Chat;

/// <summary>The reasoning tag of the loaded model: its admin setting, else "think".</summary>
public sealed class ReasoningTags(IDbContextFactory<WebChatDbContext> dbFactory, ModelStore store)
{
    public const string Default = "think";

    public async Task<string> ForModelPathAsync(string? modelPath, CancellationToken cancellationToken = default)
    {
        if (modelPath is null)
        {
            return Default;
        }

        var full = Path.GetFullPath(modelPath);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var tagged = await db.InstalledModels.AsNoTracking().Where(m => m.ReasoningTag != null).ToListAsync(cancellationToken);
        return tagged.FirstOrDefault(m => string.Equals(Path.GetFullPath(Path.Combine(store.Root, m.RelativePath)), full, StringComparison.Ordinal))
            ?.ReasoningTag ?? Default;
    }
}
