using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using WebChat.Services.Accounts;

namespace WebChat.Components.Account;

/// <summary>
/// Checks the sign-in cookie on every request against the account's current state: a disabled or deleted account,
/// or a security stamp that changed (new password, sign out everywhere, new role), ends the session at once.
/// Replaces Identity's interval-based security stamp check, which would let a cookie live 30 minutes more.
/// </summary>
internal static class AccountCookieValidator
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        if (context.Principal is { } principal
            && await IsCurrentAsync(services.GetRequiredService<IUserAccessState>(), principal, stampClaim, context.HttpContext.RequestAborted))
        {
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }

    /// <summary>True when the principal's account is active and its stamp is the account's current one.</summary>
    public static async Task<bool> IsCurrentAsync(IUserAccessState accessState, ClaimsPrincipal principal, string stampClaim, CancellationToken cancellationToken)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null)
        {
            return false;
        }

        var access = await accessState.GetAsync(userId, cancellationToken);
        return access is { IsActive: true } && access.SecurityStamp == principal.FindFirstValue(stampClaim);
    }
}
