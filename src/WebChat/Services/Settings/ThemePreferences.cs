using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Settings;

/// <summary>Reads and stores each user's light/dark choice in UserSettings.</summary>
public sealed class ThemePreferences(IDbContextFactory<WebChatDbContext> dbFactory)
{
    public async Task<ThemePreference> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var theme = await db.UserSettings.AsNoTracking().Where(s => s.UserId == userId).Select(s => (ThemePreference?)s.Theme)
            .FirstOrDefaultAsync(cancellationToken);
        return theme ?? ThemePreference.System;
    }

    public async Task SetAsync(string userId, ThemePreference theme, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var settings = await db.UserSettings.FindAsync([userId], cancellationToken);
        if (settings is null)
        {
            db.UserSettings.Add(new UserSettings { UserId = userId, Theme = theme });
        }
        else
        {
            settings.Theme = theme;
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}
