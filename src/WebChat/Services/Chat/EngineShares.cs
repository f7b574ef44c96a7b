using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;

namespace WebChat.Services.Chat;

/// <summary>Per-user shares of the engine that an administrator raised above the configured defaults.</summary>
public sealed class EngineShares(IDbContextFactory<WebChatDbContext> dbFactory, IOptions<InferenceOptions> inference)
{
    public const int MaxRunningLimit = 64;
    public const int MaxQueuedLimit = 256;

    /// <summary>The configured share everyone has unless an administrator set another.</summary>
    public UserShare Default => UserShare.Of(null, inference.Value);

    /// <summary>The user's own share; null when they have the default.</summary>
    public async Task<UserShare?> FindAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.UserEngineShares.AsNoTracking().SingleOrDefaultAsync(s => s.UserId == userId, cancellationToken);
        return row is null ? null : new UserShare(row.MaxRunning, row.MaxQueued);
    }

    public async Task SetAsync(string userId, UserShare share, CancellationToken cancellationToken = default)
    {
        if (share.Running is < 1 or > MaxRunningLimit)
        {
            throw new InvalidChatOperationException($"Answers at once must be between 1 and {MaxRunningLimit}.");
        }

        if (share.Queued is < 0 or > MaxQueuedLimit)
        {
            throw new InvalidChatOperationException($"Answers waiting must be between 0 and {MaxQueuedLimit}.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.UserEngineShares.SingleOrDefaultAsync(s => s.UserId == userId, cancellationToken);
        if (row is null)
        {
            row = new UserEngineShare { UserId = userId };
            db.UserEngineShares.Add(row);
        }

        row.MaxRunning = share.Running;
        row.MaxQueued = share.Queued;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Back to the configured default.</summary>
    public async Task ResetAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.UserEngineShares.Where(s => s.UserId == userId).ExecuteDeleteAsync(cancellationToken);
    }
}
