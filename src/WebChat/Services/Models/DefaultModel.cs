using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Models;

/// <summary>The model the admin marked as the default: loaded at start and on the next request after an unload or a crash.</summary>
public sealed class DefaultModel(IDbContextFactory<WebChatDbContext> dbFactory)
{
    public const string SettingKey = "DefaultModelId";

    /// <summary>The default model's row, or null when none is set or it is not installed any more.</summary>
    public async Task<InstalledModel?> FindAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var id = await db.AppSettings.AsNoTracking().Where(s => s.Key == SettingKey).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
        return id is null ? null : await db.InstalledModels.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
    }

    public async Task<string?> IdAsync(CancellationToken cancellationToken = default) => (await FindAsync(cancellationToken))?.Id;

    /// <summary>Marks <paramref name="modelId"/> as the default; null clears it.</summary>
    internal async Task SetAsync(string? modelId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var setting = await db.AppSettings.FindAsync([SettingKey], cancellationToken);
        if (modelId is null)
        {
            if (setting is not null)
            {
                db.AppSettings.Remove(setting);
            }
        }
        else if (setting is null)
        {
            db.AppSettings.Add(new AppSetting { Key = SettingKey, Value = modelId });
        }
        else
        {
            setting.Value = modelId;
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
