using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;
using WebChat.Services.Models;

namespace WebChat.Services.Presets;

/// <summary>
/// Presets: admins create, edit and delete them and may make them the only choice; users pick one; a request of a
/// user with a preset gets the preset's system prompt and sampling (ahead of their own settings and the
/// conversation's) and runs on the preset's base model: an installed model, or a remote engines' model
/// (<see cref="Serving.RemoteModelId"/>, answered through the router like a remote model picked in the chat).
/// </summary>
public sealed class PresetService(IDbContextFactory<WebChatDbContext> dbFactory, Serving.Engines.RemoteEngines? engines = null)
{
    public const string EnforcedKey = "PresetsOnly";
    public const int MaxNameLength = 80;

    public async Task<IReadOnlyList<PresetView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Presets.AsNoTracking().ToListAsync(cancellationToken);
        return [.. rows.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Select(ToView)];
    }

    public async Task<PresetView> SaveAsync(ClaimsPrincipal user, PresetView preset, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        var name = preset.Name?.Trim() ?? "";
        if (name.Length is 0 or > MaxNameLength)
        {
            throw new ModelOperationException($"A preset needs a name of 1 to {MaxNameLength} characters.");
        }

        if (preset.Temperature is < 0 or > 2 || preset.TopP is <= 0 or > 1 || preset.MaxTokens is < 1 or > 32_768)
        {
            throw new ModelOperationException("Temperature goes from 0 to 2, top-p from above 0 to 1, max tokens from 1 to 32768.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await IsModelAsync(db, preset.BaseModelId, cancellationToken))
        {
            throw new ModelOperationException("Pick an installed model or a remote engine's model for the preset.");
        }

        if (await db.Presets.AnyAsync(p => p.Id != preset.Id && p.Name == name, cancellationToken))
        {
            throw new ModelOperationException($"A preset called {name} exists already.");
        }

        var row = await db.Presets.SingleOrDefaultAsync(p => p.Id == preset.Id, cancellationToken);
        if (row is null)
        {
            row = new Preset { Name = name, BaseModelId = preset.BaseModelId };
            db.Presets.Add(row);
        }

        row.Name = name;
        row.Description = Blank(preset.Description);
        row.BaseModelId = preset.BaseModelId;
        row.SystemPrompt = Blank(preset.SystemPrompt);
        (row.Temperature, row.TopP, row.MaxTokens) = (preset.Temperature, preset.TopP, preset.MaxTokens);
        await db.SaveChangesAsync(cancellationToken);
        return ToView(row);
    }

    public async Task DeleteAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Presets.Where(p => p.Id == id).ExecuteDeleteAsync(cancellationToken);
    }

    public async Task<bool> IsEnforcedAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AppSettings.AsNoTracking().AnyAsync(s => s.Key == EnforcedKey && s.Value == "true", cancellationToken);
    }

    /// <summary>When on, users chat only through presets: no "no preset", no model picking.</summary>
    public async Task SetEnforcedAsync(ClaimsPrincipal user, bool enforced, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.AppSettings.Where(s => s.Key == EnforcedKey).ExecuteDeleteAsync(cancellationToken);
        if (enforced)
        {
            db.AppSettings.Add(new AppSetting { Key = EnforcedKey, Value = "true" });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Sets the user's preset; null for none (refused while presets are enforced).</summary>
    public async Task ChooseAsync(string userId, Guid? presetId, CancellationToken cancellationToken = default)
    {
        if (presetId is null && await IsEnforcedAsync(cancellationToken))
        {
            throw new InvalidChatOperationException("An admin made presets the only choice: pick one of them.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (presetId is { } id && !await db.Presets.AnyAsync(p => p.Id == id, cancellationToken))
        {
            throw new InvalidChatOperationException("That preset does not exist any more.");
        }

        await db.PresetChoices.Where(c => c.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        if (presetId is { } chosen)
        {
            db.PresetChoices.Add(new PresetChoice { UserId = userId, PresetId = chosen });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>The user's preset: the chosen one, else the first by name when presets are enforced, else none.</summary>
    public async Task<PresetView?> ForUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var chosen = await db.PresetChoices.AsNoTracking().Where(c => c.UserId == userId)
            .Join(db.Presets, c => c.PresetId, p => p.Id, (c, p) => p).FirstOrDefaultAsync(cancellationToken);
        if (chosen is not null)
        {
            return ToView(chosen);
        }

        if (!await IsEnforcedAsync(cancellationToken))
        {
            return null;
        }

        var all = await ListAsync(cancellationToken);
        return all.Count > 0 ? all[0] : null;
    }

    /// <summary>The request with the preset's system prompt in place of any other, and its sampling where it sets one.</summary>
    public static ChatRequest Apply(ChatRequest request, PresetView preset)
    {
        var turns = request.Messages.Where(t => t.Role != ChatRole.System).ToList();
        if (preset.SystemPrompt is { } prompt)
        {
            turns.Insert(0, new ChatTurn(ChatRole.System, prompt));
        }

        return request with
        {
            Messages = turns,
            Sampling = request.Sampling with
            {
                Temperature = preset.Temperature ?? request.Sampling.Temperature,
                TopP = preset.TopP ?? request.Sampling.TopP,
            },
            MaxTokens = preset.MaxTokens ?? request.MaxTokens,
        };
    }

    // A remote model counts while an engine lists it or the admin has settings for it (an engine down for a moment).
    private async Task<bool> IsModelAsync(WebChatDbContext db, string id, CancellationToken cancellationToken) =>
        Serving.RemoteModelId.TryParse(id, out var remote)
            ? engines?.ServedModels().Contains(remote, StringComparer.Ordinal) == true
              || await db.RemoteModelSettings.AnyAsync(s => s.ModelName == remote, cancellationToken)
            : await db.InstalledModels.AnyAsync(m => m.Id == id, cancellationToken);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static PresetView ToView(Preset p) =>
        new(p.Id, p.Name, p.Description, p.BaseModelId, p.SystemPrompt, p.Temperature, p.TopP, p.MaxTokens);
}
