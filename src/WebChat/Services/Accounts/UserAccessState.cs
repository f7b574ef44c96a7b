using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;

namespace WebChat.Services.Accounts;

/// <summary>
/// Caches each account's access briefly: every HTTP request with a sign-in cookie asks, and most are static files.
/// The app's UserManager forgets an entry on every change, so the cache only matters for writes made elsewhere.
/// </summary>
internal sealed class UserAccessState(IDbContextFactory<WebChatDbContext> dbFactory, TimeProvider time) : IUserAccessState
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(2);
    private readonly ConcurrentDictionary<string, (UserAccess? Access, DateTimeOffset ReadAt)> cache = new();

    // Bumped by Forget: a read that began before a change must not put the old answer back after it was forgotten
    // (an admin's disable would then look undone for a while to whoever asks next, e.g. the answer stopper).
    private readonly ConcurrentDictionary<string, long> forgets = new();

    public async Task<UserAccess?> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        if (cache.TryGetValue(userId, out var entry) && time.GetUtcNow() - entry.ReadAt < Lifetime)
        {
            return entry.Access;
        }

        var readAt = time.GetUtcNow();
        var forgetsBefore = forgets.GetValueOrDefault(userId);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var access = await db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new UserAccess(u.Id, u.DisabledAt == null && u.DeletedAt == null && u.PendingApprovalSince == null, u.SecurityStamp, u.MustChangePassword))
            .FirstOrDefaultAsync(cancellationToken);
        cache[userId] = (access, readAt);
        if (forgets.GetValueOrDefault(userId) != forgetsBefore)
        {
            cache.TryRemove(userId, out _);
        }

        return access;
    }

    public async Task<bool> IsActiveAsync(string userId, CancellationToken cancellationToken = default) =>
        (await GetAsync(userId, cancellationToken))?.IsActive == true;

    public void Forget(string userId)
    {
        forgets.AddOrUpdate(userId, 1, (_, count) => count + 1);
        cache.TryRemove(userId, out _);
    }
}
