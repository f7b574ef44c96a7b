using System.Security.Claims;

namespace WebChat.Services.Accounts;

/// <summary>
/// The rule of the admin services (accounts, roles, registration, quotas): only an admin changes them. The pages'
/// [Authorize] is not enough on its own: any other caller of the service (a new page, a job) must be refused too.
/// </summary>
public static class AdminPermissions
{
    public const string AdminOnlyReason = "Only an admin can change accounts, roles, registration or limits. Ask your admin.";

    /// <summary>Throws <see cref="AdminAccessDeniedException"/> unless the user is an admin; nothing has changed then.</summary>
    public static void EnsureAdmin(ClaimsPrincipal user)
    {
        if (!user.IsInRole(Roles.Admin))
        {
            throw new AdminAccessDeniedException(AdminOnlyReason);
        }
    }
}

/// <summary>A non-admin asked an admin service for a change; nothing was changed. Message is written for a person.</summary>
public sealed class AdminAccessDeniedException(string message) : Exception(message);
