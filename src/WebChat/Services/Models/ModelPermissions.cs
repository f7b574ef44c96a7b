using System.Security.Claims;
using WebChat.Services.Accounts;

namespace WebChat.Services.Models;

/// <summary>The one rule of the model pages: the engine and the models folder are shared, so only admins change them.</summary>
public static class ModelPermissions
{
    public const string AdminOnlyReason = "Only an admin can download, import, load or delete models. Ask your admin.";

    /// <summary>
    /// The person at the server's console (the command line): whoever can run the executable owns the data folder,
    /// so they act as an admin; their downloads are recorded without a user. Never handed to a web request.
    /// </summary>
    public static ClaimsPrincipal ServerOperator { get; } =
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "console"), new Claim(ClaimTypes.Role, Roles.Admin)], "Console"));

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
