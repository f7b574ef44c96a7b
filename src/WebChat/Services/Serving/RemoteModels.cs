using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Models;
using WebChat.Services.Serving.Engines;

namespace WebChat.Services.Serving;

/// <summary>A model served by remote engines, as Admin › Engines lists it: the engines' model id, the admin's name and choices, and its replicas.</summary>
public sealed record RemoteModelView(string ModelName, string DisplayName, bool UserSelectable, bool IsDefault, IReadOnlyList<string> Engines, bool IsAvailable)
{
    /// <summary>The id the picker, presets and the default model use: "engine:" and the engines' model id.</summary>
    public string Id => RemoteModelId.Of(ModelName);
}

/// <summary>The ids of models served by remote engines: "engine:" and the model id the engines list (local ids are "owner/repo/file.gguf").</summary>
public static class RemoteModelId
{
    public const string Prefix = "engine:";

    public static string Of(string modelName) => Prefix + modelName;

    public static bool TryParse(string? id, out string modelName)
    {
        modelName = id is not null && id.StartsWith(Prefix, StringComparison.Ordinal) ? id[Prefix.Length..] : "";
        return modelName.Length > 0;
    }
}

/// <summary>The remote engines' models and what the admin set for them (name, offered to users, default), as for installed models.</summary>
public sealed class RemoteModels(IDbContextFactory<WebChatDbContext> dbFactory, RemoteEngines engines, EngineRouter router, DefaultModel defaultModel)
{
    /// <summary>Every model a remote engine lists now, plus those the admin configured that no engine lists at the moment (shown unavailable).</summary>
    public async Task<IReadOnlyList<RemoteModelView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var settings = await db.RemoteModelSettings.AsNoTracking().ToDictionaryAsync(s => s.ModelName, cancellationToken);
        var defaultId = await DefaultIdAsync(db, cancellationToken);
        var names = engines.ServedModels().Union(settings.Keys.Where(k => settings[k].UserSelectable || settings[k].DisplayName is not null)).Distinct().Order(StringComparer.Ordinal);
        return [.. names.Select(name =>
        {
            var setting = settings.GetValueOrDefault(name);
            return new RemoteModelView(name, setting?.DisplayName ?? name, setting?.UserSelectable ?? false, defaultId == RemoteModelId.Of(name),
                router.EnginesOf(name), router.IsAvailable(name));
        })];
    }

    public async Task<RemoteModelView?> FindAsync(string modelName, CancellationToken cancellationToken = default) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(m => m.ModelName == modelName);

    public async Task SaveAsync(ClaimsPrincipal user, RemoteModelView model, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        var name = model.DisplayName.Trim();
        if (name.Length is 0 or > ModelDisplayName.MaxLength)
        {
            throw new ModelOperationException($"A display name needs 1 to {ModelDisplayName.MaxLength} characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.RemoteModelSettings.AnyAsync(s => s.ModelName != model.ModelName && s.DisplayName == name, cancellationToken)
            || await db.InstalledModels.AnyAsync(m => m.DisplayName == name, cancellationToken))
        {
            throw new ModelOperationException($"Another model is already called {name}.");
        }

        var row = await db.RemoteModelSettings.SingleOrDefaultAsync(s => s.ModelName == model.ModelName, cancellationToken);
        if (row is null)
        {
            row = new RemoteModelSetting { ModelName = model.ModelName };
            db.RemoteModelSettings.Add(row);
        }

        row.DisplayName = name == model.ModelName ? null : name;
        row.UserSelectable = model.UserSelectable;
        await db.SaveChangesAsync(cancellationToken);
        var isDefault = await DefaultIdAsync(db, cancellationToken) == model.Id;
        if (model.IsDefault)
        {
            await defaultModel.SetAsync(model.Id, cancellationToken);
        }
        else if (isDefault)
        {
            await defaultModel.SetAsync(null, cancellationToken);
        }
    }

    private static Task<string?> DefaultIdAsync(WebChatDbContext db, CancellationToken cancellationToken) =>
        db.AppSettings.AsNoTracking().Where(s => s.Key == DefaultModel.SettingKey).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
}
