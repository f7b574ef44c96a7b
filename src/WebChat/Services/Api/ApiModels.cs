using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Services.ApiKeys;
using WebChat.Services.Models;
using WebChat.Services.Serving;

namespace WebChat.Services.Api;

/// <summary>A model as /v1/models lists it.</summary>
public sealed record ApiModel(string Id, DateTime InstalledAt, bool IsLoaded);

/// <summary>What a request's "model" names.</summary>
public enum ModelMatch
{
    /// <summary>A model the caller may use; it is loaded on demand when the engine holds another.</summary>
    Offered,

    /// <summary>Installed, but not offered to this caller (the admin's choice, or presets only).</summary>
    NotOffered,
    Unknown,
}

/// <summary>The API's view of the models, under the same offer rules as the chat's picker (asked of <see cref="ModelServing"/>); ids are InstalledModel ids ("owner/repo/file.gguf", "local/file.gguf").</summary>
public sealed class ApiModels(IDbContextFactory<WebChatDbContext> dbFactory, ModelServing serving)
{
    /// <summary>The models the caller may name.</summary>
    public async Task<IReadOnlyList<ApiModel>> ListAsync(ApiCaller caller, CancellationToken cancellationToken = default)
    {
        var isAdmin = await IsAdminAsync(caller, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.InstalledModels.AsNoTracking().OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var offered = new List<ApiModel>();
        foreach (var row in rows)
        {
            if (await serving.IsOfferedAsync(isAdmin, row, cancellationToken))
            {
                offered.Add(new ApiModel(row.Id, row.InstalledAt, serving.IsLoaded(row)));
            }
        }

        return offered;
    }

    /// <summary>Matches a requested model by id, display name, file name, or file name without ".gguf".</summary>
    public async Task<(ModelMatch Match, InstalledModel? Model)> ResolveAsync(ApiCaller caller, string requested, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.InstalledModels.AsNoTracking().ToListAsync(cancellationToken);
        var row = rows.FirstOrDefault(r => r.Id == requested)
            ?? rows.FirstOrDefault(r => ModelDisplayName.Of(r) == requested)
            ?? rows.FirstOrDefault(r => r.FileName == requested || Path.GetFileNameWithoutExtension(r.FileName) == requested);
        if (row is null)
        {
            return (ModelMatch.Unknown, null);
        }

        return (await serving.IsOfferedAsync(await IsAdminAsync(caller, cancellationToken), row, cancellationToken) ? ModelMatch.Offered : ModelMatch.NotOffered, row);
    }

    /// <summary>The caller as the serving rules see them: admins may use every model.</summary>
    public async Task<ClaimsPrincipal> PrincipalOfAsync(ApiCaller caller, CancellationToken cancellationToken = default)
    {
        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, caller.UserId) };
        if (await IsAdminAsync(caller, cancellationToken))
        {
            claims.Add(new Claim(ClaimTypes.Role, Roles.Admin));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "ApiKey"));
    }

    private async Task<bool> IsAdminAsync(ApiCaller caller, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await (from link in db.UserRoles
                      join role in db.Roles on link.RoleId equals role.Id
                      where link.UserId == caller.UserId && role.Name == Roles.Admin
                      select link).AnyAsync(cancellationToken);
    }
}
