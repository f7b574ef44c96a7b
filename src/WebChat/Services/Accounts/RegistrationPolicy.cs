using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Accounts;

/// <summary>Whether self-registration is open: the admin's choice in the database, else appsettings.json.</summary>
public sealed class RegistrationPolicy(IDbContextFactory<WebChatDbContext> dbFactory, IOptions<WebChatOptions> options)
{
    public const string SettingKey = "AllowRegistration";

    public async Task<bool> IsOpenAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.AppSettings.AsNoTracking().Where(s => s.Key == SettingKey).Select(s => s.Value)
            .FirstOrDefaultAsync(cancellationToken);
        return stored is null ? options.Value.AllowRegistration : bool.Parse(stored);
    }

    /// <summary>Opens or closes self-registration; throws <see cref="AdminAccessDeniedException"/> for a non-admin actor.</summary>
    public async Task SetOpenAsync(ClaimsPrincipal actor, bool open, CancellationToken cancellationToken = default)
    {
        AdminPermissions.EnsureAdmin(actor);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var setting = await db.AppSettings.FindAsync([SettingKey], cancellationToken);
        if (setting is null)
        {
            db.AppSettings.Add(new AppSetting { Key = SettingKey, Value = open.ToString() });
        }
        else
        {
            setting.Value = open.ToString();
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>True before the first account exists: then registration is always open and creates the admin.</summary>
    public async Task<bool> IsFirstAccountPendingAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return !await db.Users.AnyAsync(cancellationToken);
    }
}
