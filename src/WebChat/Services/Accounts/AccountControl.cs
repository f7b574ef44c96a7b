using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.ApiKeys;

namespace WebChat.Services.Accounts;

/// <summary>The result of an account action: done (with an optional temporary password), or words for the admin.</summary>
public sealed record AccountActionResult(string? Problem, string? TemporaryPassword = null)
{
    public bool Succeeded => Problem is null;

    public static AccountActionResult Done { get; } = new((string?)null);
}

/// <summary>
/// What an admin does to someone else's account: disable, enable, delete (with or without their conversations),
/// reset the password, sign out everywhere. Each change ends the account's open sessions at once (see
/// <see cref="AccountRevocations"/>); the last active administrator can be neither disabled nor deleted.
/// Only an admin may act (<see cref="AdminPermissions"/>), whoever calls the service.
/// Each action reads the account fresh in its own scope: the admin's tab lives for hours, and a copy of the row it
/// loaded earlier (one failed sign-in changes its concurrency stamp) made a save fail while the page showed success.
/// </summary>
internal sealed class AccountControl(
    IServiceScopeFactory scopes,
    RegistrationGate gate,
    AccountRevocations revocations,
    WebChat.Services.Knowledge.Search.VectorIndex vectors,
    TimeProvider time,
    ILogger<AccountControl> logger)
{
    public const string LastAdminMessage = "This is the only active administrator: make someone else an administrator first.";
    public const string GoneMessage = "That account no longer exists.";
    public const string NotPendingMessage = "That account is not waiting for approval (someone else may have decided already).";

    /// <summary>Lets an account that waits for approval sign in.</summary>
    public Task<AccountActionResult> ApproveAsync(ClaimsPrincipal actor, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, userId, protectLastAdmin: false, async (userManager, db, user) =>
        {
            if (user.PendingApprovalSince is null || user.DeletedAt is not null)
            {
                return new AccountActionResult(NotPendingMessage);
            }

            user.PendingApprovalSince = null;
            var saved = await userManager.UpdateAsync(user);
            logger.LogInformation("Account {UserId} approved", user.Id);
            return Checked(saved);
        }, cancellationToken);

    /// <summary>Deletes an account that waits for approval; it never signed in, so nothing of it is kept.</summary>
    public Task<AccountActionResult> RejectAsync(ClaimsPrincipal actor, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, userId, protectLastAdmin: false, async (userManager, db, user) =>
        {
            if (user.PendingApprovalSince is null || user.DeletedAt is not null)
            {
                return new AccountActionResult(NotPendingMessage);
            }

            var deleted = await userManager.DeleteAsync(user);
            logger.LogInformation("Account {UserId} rejected and deleted", user.Id);
            return Checked(deleted);
        }, cancellationToken);

    public Task<AccountActionResult> DisableAsync(ClaimsPrincipal actor, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, userId, protectLastAdmin: true, async (userManager, db, user) =>
        {
            user.DisabledAt = time.GetUtcNow().UtcDateTime;
            var saved = await userManager.UpdateSecurityStampAsync(user);
            logger.LogInformation("Account {UserId} disabled", user.Id);
            return Checked(saved);
        }, cancellationToken);

    public Task<AccountActionResult> EnableAsync(ClaimsPrincipal actor, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, userId, protectLastAdmin: false, async (userManager, db, user) =>
        {
            if (user.DeletedAt is not null)
            {
                return new AccountActionResult(GoneMessage);
            }

            user.DisabledAt = null;
            var saved = await userManager.UpdateAsync(user);
            logger.LogInformation("Account {UserId} enabled", user.Id);
            return Checked(saved);
        }, cancellationToken);

    /// <summary>Ends every session of the account and revokes its API keys.</summary>
    public Task<AccountActionResult> SignOutEverywhereAsync(ClaimsPrincipal actor, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, userId, protectLastAdmin: false, async (userManager, db, user) =>
        {
            await RevokeKeysAsync(db, user, cancellationToken);
            var saved = await userManager.UpdateSecurityStampAsync(user);
            logger.LogInformation("Account {UserId} signed out everywhere", user.Id);
            return Checked(saved);
        }, cancellationToken);

    /// <summary>
    /// Sets a random temporary password for the admin to hand over; the user must change it at the next sign-in. A reset
    /// is a remediation (the password may be known to someone else), so the account's API keys are revoked too.
    /// </summary>
    public Task<AccountActionResult> ResetPasswordAsync(ClaimsPrincipal actor, string userId, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, userId, protectLastAdmin: false, async (userManager, db, user) =>
        {
            var password = TemporaryPassword();
            var result = await userManager.RemovePasswordAsync(user);
            if (result.Succeeded)
            {
                result = await userManager.AddPasswordAsync(user, password);
            }

            if (!result.Succeeded)
            {
                return new AccountActionResult(string.Join(" ", result.Errors.Select(e => e.Description)));
            }

            await RevokeKeysAsync(db, user, cancellationToken);
            user.MustChangePassword = true;
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
            var saved = await userManager.UpdateSecurityStampAsync(user);
            if (!saved.Succeeded)
            {
                return Checked(saved);
            }

            logger.LogInformation("Password of account {UserId} reset by an administrator", user.Id);
            return new AccountActionResult(null, password);
        }, cancellationToken);

    /// <summary>
    /// Deletes the account. With <paramref name="keepConversations"/> the row stays as a tombstone that can never sign
    /// in (its e-mail freed, its password removed), so its conversations stay in the database; otherwise they go too.
    /// </summary>
    public async Task<AccountActionResult> DeleteAsync(ClaimsPrincipal actor, string userId, bool keepConversations, CancellationToken cancellationToken = default)
    {
        var result = await DeleteAccountAsync(actor, userId, keepConversations, cancellationToken);
        if (!keepConversations && result.Problem is null)
        {
            // Its collections and chats' files went by the database's cascade, after the commit above: free their vectors now.
            await vectors.ForgetDeletedAsync(cancellationToken);
        }

        return result;
    }

    private Task<AccountActionResult> DeleteAccountAsync(ClaimsPrincipal actor, string userId, bool keepConversations, CancellationToken cancellationToken) =>
        ChangeAsync(actor, userId, protectLastAdmin: true, async (userManager, db, user) =>
        {
            IdentityResult result;
            if (keepConversations)
            {
                user.DeletedAt = time.GetUtcNow().UtcDateTime;
                user.PasswordHash = null;
                user.Email = user.UserName = $"deleted-{user.Id}@deleted.invalid";
                user.NormalizedEmail = user.NormalizedUserName = user.Email.ToUpperInvariant();
                result = await userManager.UpdateSecurityStampAsync(user);
            }
            else
            {
                result = await userManager.DeleteAsync(user);
            }

            logger.LogInformation("Account {UserId} deleted ({Conversations})", user.Id, keepConversations ? "conversations kept" : "with its conversations");
            return Checked(result);
        }, cancellationToken);

    /// <summary>True when the account is the only administrator that is neither disabled nor deleted.</summary>
    private static async Task<bool> IsLastActiveAdminAsync(UserManager<ApplicationUser> userManager, ApplicationUser user)
    {
        if (!user.IsActive || !await userManager.IsInRoleAsync(user, Roles.Admin))
        {
            return false;
        }

        return (await userManager.GetUsersInRoleAsync(Roles.Admin)).Count(a => a.IsActive) == 1;
    }

    private async Task<AccountActionResult> ChangeAsync(
        ClaimsPrincipal actor, string userId, bool protectLastAdmin, Func<UserManager<ApplicationUser>, WebChatDbContext, ApplicationUser, Task<AccountActionResult>> change, CancellationToken cancellationToken)
    {
        AdminPermissions.EnsureAdmin(actor);

        // The registration gate: two admins acting on each other at once must not leave no active admin.
        await gate.Lock.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var userManager = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var db = scope.ServiceProvider.GetRequiredService<WebChatDbContext>();
            var user = await userManager.FindByIdAsync(userId);
            if (user is null)
            {
                return new AccountActionResult(GoneMessage);
            }

            if (protectLastAdmin && await IsLastActiveAdminAsync(userManager, user))
            {
                return new AccountActionResult(LastAdminMessage);
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var result = await change(userManager, db, user);
            if (result.Succeeded)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            // Once committed, every open session of the account re-checks what it just heard early.
            revocations.Publish(userId);
            return result;
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    // In the action's transaction: the keys go together with the sessions, or neither does.
    private async Task RevokeKeysAsync(WebChatDbContext db, ApplicationUser user, CancellationToken cancellationToken)
    {
        var revoked = await ApiKeyService.RevokeAllAsync(db, user.Id, time.GetUtcNow().UtcDateTime, cancellationToken);
        logger.LogInformation("{Count} API key(s) of account {UserId} revoked", revoked, user.Id);
    }

    // A save that failed (the row changed under it, a constraint) is a failure for the admin to see, never "done".
    private static AccountActionResult Checked(IdentityResult result) =>
        result.Succeeded ? AccountActionResult.Done : new AccountActionResult(
            "The account could not be saved: " + string.Join(" ", result.Errors.Select(e => e.Description)) + " Reload the page and try again.");

    private static string TemporaryPassword()
    {
        const string lower = "abcdefghijkmnopqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "!#%+-=?@";
        const string all = lower + upper + digits + symbols;
        var characters = new[] { Pick(lower), Pick(upper), Pick(digits), Pick(symbols) }
            .Concat(Enumerable.Range(0, 12).Select(_ => Pick(all)))
            .ToArray();
        RandomNumberGenerator.Shuffle(characters.AsSpan());
        return new string(characters);
    }

    private static char Pick(string from) => from[RandomNumberGenerator.GetInt32(from.Length)];
}
