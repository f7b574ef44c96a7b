using Microsoft.EntityFrameworkCore;
using WebChat.Data;

namespace WebChat.Services.Models;

/// <summary>The display names of the installed models, by the repository folder that holds them (Storage lists folders).</summary>
public sealed class ModelDisplayNames(IDbContextFactory<WebChatDbContext> dbFactory)
{
    /// <summary>"owner/name" (as Storage shows a folder) to the display names of the models in it, joined with commas.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ByFolderAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var models = await db.InstalledModels.AsNoTracking().ToListAsync(cancellationToken);
        return models
            .GroupBy(m => FolderOf(m.RelativePath))
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(ModelDisplayName.Of).Order(StringComparer.Ordinal)), StringComparer.Ordinal);
    }

    private static string FolderOf(string relativePath)
    {
        var parts = relativePath.Replace('\\', '/').Split('/');
        return parts.Length >= 3 ? $"{parts[0]}/{parts[1]}" : parts[0];
    }
}
