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

/// <summary>What a request's "model" resolved to: an installed model, or a model of the remote engines.</summary>
public sealed record ApiModelResolution(ModelMatch Match, InstalledModel? Model = null, RemoteModelView? Remote = null)
{
    /// <summary>The id the usage records and answers carry.</summary>
    public string Id => Model?.Id ?? Remote?.DisplayName ?? "";
}

/// <summary>The API's view of the models, under the same offer rules as the chat's picker (asked of <see cref="ModelServing"/>); ids are InstalledModel ids ("owner/repo/file.gguf", "local/file.gguf").</summary>
public sealed class ApiModels(IDbContextFactory<WebChatDbContext> dbFactory, ModelServing serving)
{
    /// <summary>The models the caller may name.</summary>
    public async Task<IReadOnlyList<ApiModel>> ListAsync(ApiCaller caller, CancellationToken cancellationToken = default)
    {
        var isAdmin = await IsAdminAsync(caller, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = serving.LocalEnabled ? await db.InstalledModels.AsNoTracking().OrderBy(m => m.Id).ToListAsync(cancellationToken) : [];
        var offered = new List<ApiModel>();
        foreach (var row in rows)
        {
            if (await serving.IsOfferedAsync(isAdmin, row, cancellationToken))
            {
                offered.Add(new ApiModel(row.Id, row.InstalledAt, serving.IsLoaded(row)));
            }
        }

        offered.AddRange((await serving.OfferedRemoteAsync(isAdmin, cancellationToken)).Select(m => new ApiModel(m.DisplayName, DateTime.UnixEpoch, true)));
        return offered;
    }

    /// <summary>Matches a requested model by id, display name, file name, or file name without ".gguf".</summary>
    public async Task<ApiModelResolution> ResolveAsync(ApiCaller caller, string requested, CancellationToken cancellationToken = default)
    {
        var isAdmin = await IsAdminAsync(caller, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.InstalledModels.AsNoTracking().ToListAsync(cancellationToken);
        var row = rows.FirstOrDefault(r => r.Id == requested)
            ?? rows.FirstOrDefault(r => ModelDisplayName.Of(r) == requested)
            ?? rows.FirstOrDefault(r => r.FileName == requested || Path.GetFileNameWithoutExtension(r.FileName) == requested);
        if (row is null || !serving.LocalEnabled)
        {
            var (remote, offered) = await serving.FindRemoteAsync(requested, isAdmin, cancellationToken);
            return remote is null ? new ApiModelResolution(ModelMatch.Unknown) : new ApiModelResolution(offered ? ModelMatch.Offered : ModelMatch.NotOffered, Remote: remote);
        }

        return new ApiModelResolution(await serving.IsOfferedAsync(isAdmin, row, cancellationToken) ? ModelMatch.Offered : ModelMatch.NotOffered, row);
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

    private Task<bool> IsAdminAsync(ApiCaller caller, CancellationToken cancellationToken) => serving.IsAdminAsync(caller.UserId, cancellationToken);
}
