using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Chat;

/// <summary>A user's chat defaults: system prompt, sampling, default model.</summary>
public sealed record ChatSettings(string? SystemPrompt, float? Temperature, float? TopP, int? MaxTokens, string? DefaultModelId);

/// <summary>Reads and saves the signed-in user's chat defaults (a missing row means every default).</summary>
public sealed class SettingsService(IDbContextFactory<WebChatDbContext> dbFactory)
{
    public async Task<ChatSettings> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.UserSettings.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == userId, cancellationToken);
        return row is null
            ? new ChatSettings(null, null, null, null, null)
            : new ChatSettings(row.SystemPrompt, row.Temperature, row.TopP, row.MaxTokens, row.DefaultModelId);
    }

    public async Task SaveAsync(string userId, ChatSettings settings, CancellationToken cancellationToken = default)
    {
        SamplingRules.Validate(settings.Temperature, settings.TopP, settings.MaxTokens);
        SamplingRules.ValidateSystemPrompt(settings.SystemPrompt);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.UserSettings.SingleOrDefaultAsync(s => s.UserId == userId, cancellationToken);
        if (row is null)
        {
            row = new UserSettings { UserId = userId };
            db.UserSettings.Add(row);
        }

        row.SystemPrompt = string.IsNullOrWhiteSpace(settings.SystemPrompt) ? null : settings.SystemPrompt;
        row.Temperature = settings.Temperature;
        row.TopP = settings.TopP;
        row.MaxTokens = settings.MaxTokens;
        row.DefaultModelId = string.IsNullOrWhiteSpace(settings.DefaultModelId) ? null : settings.DefaultModelId;
        await db.SaveChangesAsync(cancellationToken);
    }
}
