using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Accounts;

/// <summary>Makes a user an admin or a plain user again; the last admin cannot be demoted.</summary>
internal sealed class RoleAssignment(
    UserManager<ApplicationUser> userManager, WebChatDbContext db, RegistrationGate gate, AccountRevocations revocations, ILogger<RoleAssignment> logger)
{
    public const string LastAdminMessage = "This is the only administrator: make someone else an administrator first.";

    /// <summary>Returns null on success, else words for the admin; throws <see cref="AdminAccessDeniedException"/> for a non-admin actor.</summary>
    public async Task<string?> SetAdminAsync(ClaimsPrincipal actor, string userId, bool admin, CancellationToken cancellationToken = default)
    {
        AdminPermissions.EnsureAdmin(actor);

        // The same gate as registration: two admins demoting each other at once must not leave none.
        await gate.Lock.WaitAsync(cancellationToken);
        try
        {
            var user = await userManager.FindByIdAsync(userId);
            if (user is null)
            {
                return "That account no longer exists.";
            }

            if (!admin && user.IsActive && await userManager.IsInRoleAsync(user, Roles.Admin)
                && (await userManager.GetUsersInRoleAsync(Roles.Admin)).Count(a => a.IsActive) == 1)
            {
                return LastAdminMessage;
            }

            // One transaction: a failed add must not leave the account with no role at all.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var (add, remove) = admin ? (Roles.Admin, Roles.User) : (Roles.User, Roles.Admin);
            var result = await userManager.IsInRoleAsync(user, remove) ? await userManager.RemoveFromRoleAsync(user, remove) : IdentityResult.Success;
            if (result.Succeeded && !await userManager.IsInRoleAsync(user, add))
            {
                result = await userManager.AddToRoleAsync(user, add);
            }

            if (!result.Succeeded)
            {
                return string.Join(" ", result.Errors.Select(e => e.Description));
            }

            // Roles travel in the sign-in cookie and the circuit's user: a new security stamp ends the account's
            // sessions at once (see AccountCookieValidator), so old roles never outlive the change.
            await userManager.UpdateSecurityStampAsync(user);
            await transaction.CommitAsync(cancellationToken);
            revocations.Publish(user.Id);
            logger.LogInformation("Account {UserId} is now {Role}", user.Id, add);
            return null;
        }
        finally
        {
            gate.Lock.Release();
        }
    }
}
