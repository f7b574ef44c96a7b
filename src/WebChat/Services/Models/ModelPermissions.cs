using System.Security.Claims;
using WebChat.Services.Accounts;

namespace WebChat.Services.Models;

/// <summary>The one rule of the model pages: the engine and the models folder are shared, so only admins change them.</summary>
public static class ModelPermissions
{
    public const string AdminOnlyReason = "Only an admin can download, import, load or delete models. Ask your admin.";

    public static bool CanManage(ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    /// <summary>Throws <see cref="ModelAccessDeniedException"/> unless the user is an admin.</summary>
    public static void EnsureCanManage(ClaimsPrincipal user)
    {
        if (!CanManage(user))
        {
            throw new ModelAccessDeniedException(AdminOnlyReason);
        }
    }
}
