using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;

namespace WebChat.Services.ApiKeys;

/// <summary>A key as Settings and the admins' list show it; never the secret.</summary>
public sealed record ApiKeyView(Guid Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, string UserId, string UserLabel);

/// <summary>A key just created: the only moment its secret exists outside the caller's hands.</summary>
public sealed record CreatedApiKey(ApiKeyView Key, string Secret);

/// <summary>Who an API request acts for, once its bearer key checked out.</summary>
public sealed record ApiCaller(string UserId, Guid KeyId);

/// <summary>
/// Creates, lists, revokes and checks the keys of the OpenAI-compatible API. Secrets are 256 random bits, so one
/// SHA-256 is enough to store them (no password stretching needed); lookup is by that hash.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<WebChatDbContext> dbFactory, TimeProvider time, IUserAccessState access)
{
    public const string SecretPrefix = "wc-";
    public const int MaxNameLength = 100;
    public const int MaxKeysPerUser = 50;

    // Last-used times are written at most this often per key: one write per request would be a write per token burst.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    public async Task<CreatedApiKey> CreateAsync(string userId, string name, CancellationToken cancellationToken = default)
    {
        name = name.Trim();
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ApiKeyException($"Give the key a name of 1 to {MaxNameLength} characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.ApiKeys.CountAsync(k => k.UserId == userId && k.RevokedAt == null, cancellationToken) >= MaxKeysPerUser)
        {
            throw new ApiKeyException($"You have {MaxKeysPerUser} keys already. Revoke one first.");
        }

        var secret = SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var key = new ApiKey
        {
            UserId = userId,
            Name = name,
            Prefix = secret[..10],
            SecretHash = Hash(secret),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(new ApiKeyView(key.Id, key.Name, key.Prefix, key.CreatedAt, null, userId, ""), secret);
    }

    /// <summary>The user's keys that still work, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ViewsAsync(db, db.ApiKeys.Where(k => k.UserId == userId), cancellationToken);
    }

    /// <summary>Everybody's keys that still work, for admins.</summary>
    public async Task<IReadOnlyList<ApiKeyView>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ViewsAsync(db, db.ApiKeys, cancellationToken);
    }

    /// <summary>Revokes a key of the actor's own, or anyone's when the actor is an admin; false when there is no such key.</summary>
    public async Task<bool> RevokeAsync(string actorUserId, bool actorIsAdmin, Guid keyId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var revoked = await db.ApiKeys
            .Where(k => k.Id == keyId && k.RevokedAt == null && (actorIsAdmin || k.UserId == actorUserId))
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken);
        return revoked > 0;
    }

    /// <summary>
    /// The caller a secret stands for, or null: unknown or revoked key, or an account that no longer may act.
    /// Checked on every request, so revoking a key or disabling an account takes effect at the next request.
    /// </summary>
    public async Task<ApiCaller?> AuthenticateAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length > 200)
        {
            return null;
        }

        var hash = Hash(secret);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await (
                from key in db.ApiKeys.AsNoTracking()
                join user in db.Users.AsNoTracking() on key.UserId equals user.Id
                where key.SecretHash == hash && key.RevokedAt == null
                select new { key.Id, key.UserId, key.LastUsedAt, User = user })
            .SingleOrDefaultAsync(cancellationToken);
        var now = time.GetUtcNow();
        if (found is null || !await IsAccountActiveAsync(found.User, cancellationToken))
        {
            return null;
        }

        if (found.LastUsedAt is not { } lastUsed || now.UtcDateTime - lastUsed >= LastUsedResolution)
        {
            await db.ApiKeys.Where(k => k.Id == found.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now.UtcDateTime), cancellationToken);
        }

        return new ApiCaller(found.UserId, found.Id);
    }

    /// <summary>Revokes every key of the user (their own choice when changing the password); the number revoked.</summary>
    public async Task<int> RevokeAllOfAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await RevokeAllAsync(db, userId, time.GetUtcNow().UtcDateTime, cancellationToken);
    }

    /// <summary>
    /// Revokes every key of the account, inside the caller's unit of work (an admin's password reset or "sign out
    /// everywhere", a person's own password change): what ends the sessions ends the integrations too.
    /// </summary>
    internal static Task<int> RevokeAllAsync(WebChatDbContext db, string userId, DateTime now, CancellationToken cancellationToken = default) =>
        db.ApiKeys.Where(k => k.UserId == userId && k.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RevokedAt, now), cancellationToken);

    /// <summary>
    /// The one rule for "may this account still use its keys": it exists (the join) and the account access state (the
    /// same one cookies and open tabs ask) says it is neither disabled nor deleted. A sign-in lockout does not count:
    /// anyone who knows the e-mail can cause one, and keys have their own failure throttling (ApiKeyAttemptLimiter).
    /// </summary>
    private Task<bool> IsAccountActiveAsync(ApplicationUser user, CancellationToken cancellationToken) =>
        access.IsActiveAsync(user.Id, cancellationToken);

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static async Task<IReadOnlyList<ApiKeyView>> ViewsAsync(WebChatDbContext db, IQueryable<ApiKey> keys, CancellationToken cancellationToken)
    {
        var rows = await (
                from key in keys.AsNoTracking()
                join user in db.Users.AsNoTracking() on key.UserId equals user.Id
                where key.RevokedAt == null
                select new { Key = key, Label = user.Email ?? user.UserName ?? user.Id })
            .ToListAsync(cancellationToken);
        return rows.OrderByDescending(r => r.Key.CreatedAt)
            .Select(r => new ApiKeyView(r.Key.Id, r.Key.Name, r.Key.Prefix, r.Key.CreatedAt, r.Key.LastUsedAt, r.Key.UserId, r.Label))
            .ToList();
    }
}

/// <summary>A key cannot be created as asked; Message is written for a person.</summary>
public sealed class ApiKeyException(string message) : Exception(message);
