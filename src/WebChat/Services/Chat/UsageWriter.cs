using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Metrics;

namespace WebChat.Services.Chat;

/// <summary>Writes one usage record per generation: who, which model, tokens, timings and why it ended.</summary>
public sealed class UsageWriter(IDbContextFactory<WebChatDbContext> dbFactory, TimeProvider time)
{
    /// <summary>The in-process engine's name in usage records and metrics.</summary>
    public const string LocalEngineName = "local";

    public async Task WriteAsync(string userId, Guid? conversationId, string model, ChatSummary? summary, FinishReason reason,
        UsageSource source = UsageSource.Chat, Guid? apiKeyId = null, string? preset = null, CancellationToken cancellationToken = default)
    {
        GenerationMetrics.Record(source, model, summary, reason);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.UsageRecords.Add(new UsageRecord
        {
            UserId = userId,
            ConversationId = conversationId,
            Model = model,
            PromptTokens = summary?.PromptTokens ?? 0,
            ReusedPromptTokens = summary?.ReusedPromptTokens ?? 0,
            CompletionTokens = summary?.CompletionTokens ?? 0,
            TimeToFirstTokenMs = summary?.TimeToFirstToken.TotalMilliseconds ?? 0,
            DurationMs = summary?.Duration.TotalMilliseconds ?? 0,
            FinishReason = reason.ToString(),
            CreatedAt = time.GetUtcNow().UtcDateTime,
            Source = source,
            ApiKeyId = apiKeyId,
            Preset = preset,
            Engine = summary?.Engine ?? LocalEngineName,
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
