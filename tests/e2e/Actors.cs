using System.Security.Claims;
using WebChat.Services.Accounts;

namespace WebChat.Tests.E2E;

/// <summary>Who calls an admin service in a test: the services check the role themselves (AdminPermissions).</summary>
internal static class Actors
{
    public static ClaimsPrincipal Admin { get; } = Of(Roles.Admin);

    public static ClaimsPrincipal User { get; } = Of(Roles.User);

    private static ClaimsPrincipal Of(string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "actor-" + role), new Claim(ClaimTypes.Role, role)], "test"));
}
