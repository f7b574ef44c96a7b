using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.ApiKeys;

namespace WebChat.Services.Knowledge;

/// <summary>One usage record per /v1/embeddings call (source Api, its key, the embedder as model, input tokens), so embeddings count in Usage and the daily token quota.</summary>
public sealed class EmbeddingUsageWriter(IDbContextFactory<WebChatDbContext> dbFactory, TimeProvider time)
{
    public async Task WriteAsync(ApiCaller caller, string embedder, int tokens, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.UsageRecords.Add(new UsageRecord
        {
            UserId = caller.UserId,
            ApiKeyId = caller.KeyId,
            Model = embedder,
            PromptTokens = tokens,
            FinishReason = "Stop",
            CreatedAt = time.GetUtcNow().UtcDateTime,
            Source = UsageSource.Api,
        });
        await db.SaveChangesAsync(cancellationToken);
    }
}
