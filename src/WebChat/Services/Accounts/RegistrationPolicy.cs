using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Accounts;

/// <summary>Who may register (open, approval needed, closed): the admin's choice in the database, else appsettings.json.</summary>
public sealed class RegistrationPolicy(IDbContextFactory<WebChatDbContext> dbFactory, IOptions<WebChatOptions> options)
{
    public const string SettingKey = "RegistrationMode";

    // The admin's open/closed switch as stored before approval existed: still honoured until the mode is set.
    public const string LegacySettingKey = "AllowRegistration";

    public async Task<RegistrationMode> GetModeAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.AppSettings.AsNoTracking().Where(s => s.Key == SettingKey || s.Key == LegacySettingKey)
            .ToDictionaryAsync(s => s.Key, s => s.Value, cancellationToken);
        if (stored.TryGetValue(SettingKey, out var mode) && Enum.TryParse<RegistrationMode>(mode, out var chosen))
        {
            return chosen;
        }

        if (stored.TryGetValue(LegacySettingKey, out var open) && bool.TryParse(open, out var isOpen))
        {
            return isOpen ? RegistrationMode.Open : RegistrationMode.Closed;
        }

        return !options.Value.AllowRegistration ? RegistrationMode.Closed
            : options.Value.RegistrationNeedsApproval ? RegistrationMode.ApprovalNeeded
            : RegistrationMode.Open;
    }

    /// <summary>True unless registration is closed (with approval needed, people may still register).</summary>
    public async Task<bool> IsOpenAsync(CancellationToken cancellationToken = default) =>
        await GetModeAsync(cancellationToken) != RegistrationMode.Closed;

    /// <summary>Sets who may register; throws <see cref="AdminAccessDeniedException"/> for a non-admin actor.</summary>
    public async Task SetModeAsync(ClaimsPrincipal actor, RegistrationMode mode, CancellationToken cancellationToken = default)
    {
        AdminPermissions.EnsureAdmin(actor);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a registration mode.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var setting = await db.AppSettings.FindAsync([SettingKey], cancellationToken);
        if (setting is null)
        {
            db.AppSettings.Add(new AppSetting { Key = SettingKey, Value = mode.ToString() });
        }
        else
        {
            setting.Value = mode.ToString();
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
