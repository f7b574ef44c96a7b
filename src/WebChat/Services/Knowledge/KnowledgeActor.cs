using System.Security.Claims;
using WebChat.Services.Accounts;

namespace WebChat.Services.Knowledge;

/// <summary>Who is acting on knowledge: their user id and whether they are an admin (who alone make and change team collections).</summary>
public sealed record KnowledgeActor(string UserId, bool IsAdmin)
{
    public static KnowledgeActor From(ClaimsPrincipal user) => new(
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new KnowledgeException("Sign in to use documents."),
        user.IsInRole(Roles.Admin));
}
