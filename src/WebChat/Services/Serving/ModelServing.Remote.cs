using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Accounts;
using WebChat.Services.Models;

namespace WebChat.Services.Serving;

// Models served by remote engines: offered, chosen and answered through the router; nothing is loaded for them.
public sealed partial class ModelServing
{
    /// <summary>False when Engines:Local:Enabled turned the in-process engine off (only remote engines serve).</summary>
    public bool LocalEnabled => engineOptions.Value.Local.Enabled;

    /// <summary>
    /// Where a chat message of <paramref name="userId"/> goes: the preset's base model; else the remote model the person
    /// picked; else the in-process engine when it serves or loads on demand; else the admin's default remote model; else
    /// the first remote model offered to them that answers; else the in-process engine (which then says why not).
    /// </summary>
    public async Task<ServingTarget> TargetForChatAsync(string userId, string? presetModelId, CancellationToken cancellationToken = default)
    {
        if (RemoteModelId.TryParse(presetModelId, out var presetRemote))
        {
            return await TargetOfAsync(presetRemote, cancellationToken);
        }

        if (presetModelId is not null)
        {
            return ServingTarget.Local;
        }

        var isAdmin = await IsAdminAsync(userId, cancellationToken);
        var models = await remote.ListAsync(cancellationToken);
        var enforced = await presets.IsEnforcedAsync(cancellationToken);
        bool Offered(RemoteModelView m) => isAdmin || (m.UserSelectable && !enforced);
        if (RemoteModelId.TryParse(await ChoiceOfAsync(userId, cancellationToken), out var chosen) && models.FirstOrDefault(m => m.ModelName == chosen) is { } picked && Offered(picked))
        {
            return new ServingTarget(picked.ModelName, picked.DisplayName);
        }

        if (LocalEnabled && (engine.Status.State == EngineState.Ready || LoadsOnDemand(engine.Status, await HasDefaultModelAsync(cancellationToken))))
        {
            return RemoteTwinOfLoaded() is { } twin ? new ServingTarget(twin, engine.Status.ModelName ?? twin) : ServingTarget.Local;
        }

        var fallback = models.FirstOrDefault(m => m.IsDefault && m.IsAvailable) ?? models.FirstOrDefault(m => m.IsAvailable && Offered(m));
        return fallback is not null ? new ServingTarget(fallback.ModelName, fallback.DisplayName)
            : LocalEnabled ? ServingTarget.Local
            : throw new ModelNotReadyException("No engine serves a model you may use right now. Try again in a moment, or ask your admin.");
    }

    /// <summary>
    /// The model id under which remote engines also serve the model the in-process engine holds ready (the same GGUF
    /// file name or display name: see LocalReplica), or null. A request for it is then routed across the in-process
    /// engine and those remote replicas together, instead of always going to the in-process engine.
    /// </summary>
    public string? RemoteTwinOfLoaded() => remoteEngines.ServedModels().FirstOrDefault(localReplica.Serves);

    /// <summary>Streams an answer from the engines serving <paramref name="model"/>: its remote replicas and, while it holds the same model, the in-process engine (least busy, affinity, failover: see RoutedChat).</summary>
    public IAsyncEnumerable<ChatUpdate> StreamRemoteAsync(string model, ChatRequest request, CancellationToken cancellationToken) =>
        routed.StreamAsync(model, request, cancellationToken);

    /// <summary>The remote model a request names (its display name, the engines' model id, or its "engine:" id), if the caller may use it.</summary>
    public async Task<(RemoteModelView? Model, bool Offered)> FindRemoteAsync(string requested, bool isAdmin, CancellationToken cancellationToken = default)
    {
        var models = await remote.ListAsync(cancellationToken);
        var byId = RemoteModelId.TryParse(requested, out var name) ? name : requested;
        var model = models.FirstOrDefault(m => m.DisplayName == requested) ?? models.FirstOrDefault(m => m.ModelName == byId);
        return (model, model is not null && (isAdmin || (model.UserSelectable && !await presets.IsEnforcedAsync(cancellationToken))));
    }

    /// <summary>The remote models the caller may name, for /v1/models.</summary>
    public async Task<IReadOnlyList<RemoteModelView>> OfferedRemoteAsync(bool isAdmin, CancellationToken cancellationToken = default)
    {
        var enforced = await presets.IsEnforcedAsync(cancellationToken);
        return [.. (await remote.ListAsync(cancellationToken)).Where(m => m.IsAvailable && (isAdmin || (m.UserSelectable && !enforced)))];
    }

    public async Task<bool> IsAdminAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await (from link in db.UserRoles
                      join role in db.Roles on link.RoleId equals role.Id
                      where link.UserId == userId && role.Name == Roles.Admin
                      select link).AnyAsync(cancellationToken);
    }

    private async Task<ServingTarget> TargetOfAsync(string model, CancellationToken cancellationToken) =>
        await remote.FindAsync(model, cancellationToken) is { } found ? new ServingTarget(found.ModelName, found.DisplayName) : new ServingTarget(model, model);

    private async Task<IReadOnlyList<ModelChoice>> RemoteChoicesAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var models = await remote.ListAsync(cancellationToken);
        if (models.Count == 0)
        {
            return [];
        }

        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var target = userId is null ? null : (await TargetForChatSafeAsync(userId, cancellationToken))?.RemoteModel;
        return [.. models.Select(m => new ModelChoice(m.Id, m.DisplayName, 0, null, null, null, m.IsAvailable && m.ModelName == target, m.UserSelectable, m.Engines, m.IsAvailable))];
    }

    private async Task<ServingTarget?> TargetForChatSafeAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            return await TargetForChatAsync(userId, null, cancellationToken);
        }
        catch (ModelNotReadyException)
        {
            return null;
        }
    }

    private async Task ChooseRemoteAsync(ClaimsPrincipal user, string model, CancellationToken cancellationToken)
    {
        var (found, offered) = await FindRemoteAsync(model, ModelPermissions.CanManage(user), cancellationToken);
        if (found is null)
        {
            throw new ModelOperationException($"No engine serves {model} any more.");
        }

        if (!offered)
        {
            throw new ModelAccessDeniedException(await presets.IsEnforcedAsync(cancellationToken)
                ? "An admin made presets the only choice: pick a preset instead of a model."
                : $"{found.DisplayName} is not offered to users. Ask your admin.");
        }

        await RememberChoiceAsync(user, found.Id, cancellationToken);
    }

    // The person's pick is their model from now on: their messages go there, and the picker preselects it.
    private async Task RememberChoiceAsync(ClaimsPrincipal user, string modelId, CancellationToken cancellationToken)
    {
        if (user.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.UserSettings.SingleOrDefaultAsync(s => s.UserId == userId, cancellationToken);
        if (row is null)
        {
            if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken))
            {
                return; // the server operator or an API principal without an account row
            }

            row = new UserSettings { UserId = userId };
            db.UserSettings.Add(row);
        }

        row.DefaultModelId = modelId;
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<string?> ChoiceOfAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.UserSettings.AsNoTracking().Where(s => s.UserId == userId).Select(s => s.DefaultModelId).FirstOrDefaultAsync(cancellationToken);
    }
}
