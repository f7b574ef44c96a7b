using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;

namespace WebChat.Services.Models;

/// <summary>What an admin sets per installed model: its display name, whether users may pick it, whether it is the default, its reasoning tag.</summary>
public sealed record ModelSettingsView(string Id, string DisplayName, bool UserSelectable, bool IsDefault, string ReasoningTag);

/// <summary>Reads and saves <see cref="ModelSettingsView"/>; saving is for admins.</summary>
public sealed partial class ModelSettings(IDbContextFactory<WebChatDbContext> dbFactory, DefaultModel defaultModel)
{
    public const string DefaultReasoningTag = Chat.ReasoningTags.Default;

    public async Task<ModelSettingsView> GetAsync(string modelId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.InstalledModels.AsNoTracking().SingleOrDefaultAsync(m => m.Id == modelId, cancellationToken)
            ?? throw new ModelOperationException("That model is not installed any more.");
        var isDefault = await defaultModel.IdAsync(cancellationToken) == modelId;
        return new ModelSettingsView(row.Id, ModelDisplayName.Of(row), row.UserSelectable, isDefault, row.ReasoningTag ?? DefaultReasoningTag);
    }

    public async Task SaveAsync(ClaimsPrincipal user, ModelSettingsView settings, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        var name = settings.DisplayName.Trim();
        if (name.Length is 0 or > ModelDisplayName.MaxLength)
        {
            throw new ModelOperationException($"A display name needs 1 to {ModelDisplayName.MaxLength} characters.");
        }

        var tag = settings.ReasoningTag.Trim();
        if (!TagName().IsMatch(tag))
        {
            throw new ModelOperationException("A reasoning tag is a name such as think or reasoning (letters, digits, - and _), without angle brackets.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.InstalledModels.SingleOrDefaultAsync(m => m.Id == settings.Id, cancellationToken)
            ?? throw new ModelOperationException("That model is not installed any more.");
        if (await db.InstalledModels.AnyAsync(m => m.Id != row.Id && m.DisplayName == name, cancellationToken))
        {
            throw new ModelOperationException($"Another model is already called {name}.");
        }

        row.DisplayName = name == Path.GetFileNameWithoutExtension(row.FileName) ? null : name;
        row.UserSelectable = settings.UserSelectable;
        row.ReasoningTag = tag == DefaultReasoningTag ? null : tag;
        await db.SaveChangesAsync(cancellationToken);
        var currentDefault = await defaultModel.IdAsync(cancellationToken);
        if (settings.IsDefault)
        {
            await defaultModel.SetAsync(row.Id, cancellationToken);
        }
        else if (currentDefault == row.Id)
        {
            await defaultModel.SetAsync(null, cancellationToken);
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex TagName();
}
