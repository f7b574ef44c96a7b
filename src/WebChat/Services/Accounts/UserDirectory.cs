using Microsoft.EntityFrameworkCore;
using WebChat.Data;

namespace WebChat.Services.Accounts;

/// <summary>One account as the admin's user list shows it.</summary>
public sealed record UserSummary(
    string Id, string Email, IReadOnlyList<string> Roles, DateTime CreatedAt,
    DateTime? DisabledAt = null, DateTime? DeletedAt = null, DateTimeOffset? LockoutEnd = null, bool MustChangePassword = false,
    DateTime? PendingApprovalSince = null)
{
    public bool IsAdmin => Roles.Contains(Accounts.Roles.Admin);

    public bool IsDeleted => DeletedAt is not null;

    public bool IsDisabled => DisabledAt is not null;

    public bool IsPendingApproval => PendingApprovalSince is not null && !IsDeleted;

    public bool IsLockedOutAt(DateTimeOffset now) => LockoutEnd > now;
}

/// <summary>Lists accounts with their roles for the admin pages.</summary>
internal sealed class UserDirectory(WebChatDbContext db)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var rows = await (
                from user in db.Users.AsNoTracking()
                orderby user.CreatedAt
                select new
                {
                    user.Id,
                    Email = user.Email ?? user.UserName ?? "",
                    user.CreatedAt,
                    user.DisabledAt,
                    user.DeletedAt,
                    user.LockoutEnd,
                    user.MustChangePassword,
                    user.PendingApprovalSince,
                    Roles = (from link in db.UserRoles
                             join role in db.Roles on link.RoleId equals role.Id
                             where link.UserId == user.Id
                             select role.Name!).ToList(),
                })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new UserSummary(r.Id, r.Email, r.Roles, r.CreatedAt, r.DisabledAt, r.DeletedAt, r.LockoutEnd, r.MustChangePassword, r.PendingApprovalSince)).ToList();
    }
}
