using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;

namespace WebChat.Services.Models;

/// <summary>
/// Someone picks a model in the chat: admins any installed one, users those the admin made pickable. It loads
/// on demand when the memory estimate says it fits; answers of the model it replaces finish first (see <see cref="EngineIdle"/>).
/// </summary>
public sealed class ModelSwitch(
    IDbContextFactory<WebChatDbContext> dbFactory,
    ModelLibrary library,
    IInferenceEngine engine,
    IOptions<WebChatOptions> options,
    Presets.PresetService? presets = null)
{
    public const string WaitExplanation = "Switching waits for answers in progress to finish; they are never cut off.";

    public async Task SwitchAsync(ClaimsPrincipal user, string modelId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var model = await db.InstalledModels.AsNoTracking().SingleOrDefaultAsync(m => m.Id == modelId, cancellationToken)
            ?? throw new ModelOperationException("That model is not installed any more.");
        if (!ModelPermissions.CanManage(user) && presets is not null && await presets.IsEnforcedAsync(cancellationToken))
        {
            throw new ModelAccessDeniedException("An admin made presets the only choice: pick a preset instead of a model.");
        }

        if (!ModelPermissions.CanManage(user) && !model.UserSelectable)
        {
            throw new ModelAccessDeniedException($"{ModelDisplayName.Of(model)} is not offered to users. Ask your admin.");
        }

        var choice = (await library.ChoicesAsync(cancellationToken)).FirstOrDefault(c => c.Id == modelId);
        if (choice is { IsLoaded: true })
        {
            return;
        }

        if (choice?.Fit is { Fits: false } fit)
        {
            throw new ModelOperationException($"{ModelDisplayName.Of(model)} does not fit in this machine's memory now: {fit.Explanation}");
        }

        await EngineIdle.WaitAsync(engine, EngineIdle.MaxWait, cancellationToken);
        await engine.LoadAsync(ModelLoadPlan.For(model, options.Value.ModelsDirectory), cancellationToken);
    }
}
