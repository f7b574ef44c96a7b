using System.Security.Claims;
using Microsoft.AspNetCore.Components.Endpoints;
using WebChat.Components.Account;
using WebChat.Services.Accounts;

namespace WebChat.Services.Security;

/// <summary>
/// After an admin reset an account's password, every page but the password change sends its user there: the
/// temporary password the admin handed over must not stay in use.
/// </summary>
internal static class PasswordChangeGate
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId
            && context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is { } page
            && page.Type != typeof(Components.Account.Pages.Manage.ChangePassword)
            && await context.RequestServices.GetRequiredService<IUserAccessState>().GetAsync(userId, context.RequestAborted) is { MustChangePassword: true })
        {
            context.Response.Redirect("/" + AccountPaths.ChangePassword);
            return;
        }

        await next();
    }
}
