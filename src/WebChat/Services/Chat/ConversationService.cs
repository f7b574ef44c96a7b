using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge.Search;

namespace WebChat.Services.Chat;

/// <summary>
/// Reads and edits one user's conversations. Every query filters by the owner, so another user's
/// conversation id is indistinguishable from one that does not exist.
/// </summary>
public sealed class ConversationService(
    IDbContextFactory<WebChatDbContext> dbFactory, GenerationRegistry generations, Nodes.INodeLocks? nodeLocks = null, VectorIndex? vectors = null)
{
    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(string userId, string? search, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Conversations.AsNoTracking().Where(c => c.UserId == userId);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = "%" + EscapeLike(search.Trim()) + "%";
            // SQLite's LIKE ignores ASCII case; PostgreSQL's does not, and ILIKE is its case-blind twin.
            query = db.Database.IsNpgsql()
                ? query.Where(c => EF.Functions.ILike(c.Title, pattern, "\\")
                    || c.Messages.Any(m => EF.Functions.ILike(m.Content, pattern, "\\")))
                : query.Where(c => EF.Functions.Like(c.Title, pattern, "\\")
                    || c.Messages.Any(m => EF.Functions.Like(m.Content, pattern, "\\")));
        }

        return await query
            .OrderByDescending(c => c.UpdatedAt)
            .Select(c => new ConversationSummary(c.Id, c.Title, c.UpdatedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<ConversationDetail> GetAsync(string userId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversation = await db.Conversations
            .Include(c => c.Messages)
            .SingleOrDefaultAsync(c => c.Id == id && c.UserId == userId, cancellationToken)
            ?? throw new ConversationNotFoundException(id);

        await MarkInterruptedAnswersAsync(db, conversation, cancellationToken);
        var citations = await Knowledge.ConversationKnowledge.CitationsByMessageAsync(
            db, conversation.Messages.Where(m => m.Role == MessageRole.Assistant).Select(m => m.Id).ToList(), cancellationToken);
        return new ConversationDetail(
            conversation.Id,
            conversation.Title,
            conversation.ModelId,
            new ConversationOverrides(conversation.SystemPrompt, conversation.Temperature, conversation.TopP, conversation.MaxTokens),
            conversation.Messages.OrderBy(m => m.Sequence).Select(m => MessageView.From(m, citations.GetValueOrDefault(m.Id))).ToList());
    }

    /// <summary>Starts an empty conversation (e.g. to attach files before the first question); its first message names it.</summary>
    public async Task<Guid> StartEmptyAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversation = new Conversation { UserId = userId, Title = TitleMaker.Fallback };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync(cancellationToken);
        return conversation.Id;
    }

    public async Task RenameAsync(string userId, Guid id, string title, CancellationToken cancellationToken = default)
    {
        var trimmed = title.Trim();
        if (trimmed.Length is 0 or > 200)
        {
            throw new InvalidChatOperationException("A title needs 1 to 200 characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.Conversations
            .Where(c => c.Id == id && c.UserId == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Title, trimmed), cancellationToken);
        EnsureFound(changed, id);
    }

    public async Task DeleteAsync(string userId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var conversation = await db.Conversations.SingleOrDefaultAsync(c => c.Id == id && c.UserId == userId, cancellationToken)
            ?? throw new ConversationNotFoundException(id);
        generations.Find(id)?.Stop();
        var attached = await db.KnowledgeCollections.Where(c => c.ConversationId == id).Select(c => c.Id).ToListAsync(cancellationToken);
        await db.Messages.Where(m => m.ConversationId == id).ExecuteDeleteAsync(cancellationToken);
        db.Conversations.Remove(conversation);
        await db.SaveChangesAsync(cancellationToken);

        // The attached files' passages went with the conversation by cascade; their vectors must leave memory too.
        foreach (var collectionId in attached)
        {
            vectors?.RemoveCollection(collectionId);
        }
    }

    public async Task SaveOverridesAsync(string userId, Guid id, ConversationOverrides overrides, CancellationToken cancellationToken = default)
    {
        SamplingRules.Validate(overrides.Temperature, overrides.TopP, overrides.MaxTokens);
        SamplingRules.ValidateSystemPrompt(overrides.SystemPrompt);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var changed = await db.Conversations
            .Where(c => c.Id == id && c.UserId == userId)
            .ExecuteUpdateAsync(
                s => s.SetProperty(c => c.SystemPrompt, string.IsNullOrWhiteSpace(overrides.SystemPrompt) ? null : overrides.SystemPrompt)
                    .SetProperty(c => c.Temperature, overrides.Temperature)
                    .SetProperty(c => c.TopP, overrides.TopP)
                    .SetProperty(c => c.MaxTokens, overrides.MaxTokens),
                cancellationToken);
        EnsureFound(changed, id);
    }

    /// <summary>An answer left "streaming" by a process that died is shown, and stored, as stopped.</summary>
    /// <remarks>
    /// With several nodes an answer may be streaming on another node: it is left alone while that node holds the
    /// answer's lock, which its death frees (see <see cref="Nodes.PostgresNodeLocks"/>).
    /// The answer may have finished between reading it and looking in the registry: the update applies only while the
    /// row still says streaming, and otherwise the row is read again, so a finished answer is never marked interrupted.
    /// </remarks>
    private async Task MarkInterruptedAnswersAsync(WebChatDbContext db, Conversation conversation, CancellationToken cancellationToken)
    {
        if (generations.Find(conversation.Id) is not null)
        {
            return;
        }

        foreach (var message in conversation.Messages.Where(m => m.Status == MessageStatus.Streaming).ToList())
        {
            if (nodeLocks is { IsShared: true } && await nodeLocks.IsHeldAsync(Nodes.NodeLockNames.Answer(message.Id), cancellationToken))
            {
                continue;
            }

            var marked = await db.Messages
                .Where(m => m.Id == message.Id && m.Status == MessageStatus.Streaming)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, MessageStatus.Stopped).SetProperty(m => m.Notice, InterruptedNotice), cancellationToken);
            if (marked == 1)
            {
                message.Status = MessageStatus.Stopped;
                message.Notice = InterruptedNotice;
            }
            else
            {
                await db.Entry(message).ReloadAsync(cancellationToken);
            }
        }
    }

    private const string InterruptedNotice = "Interrupted: the server stopped while this answer was being written.";

    private static void EnsureFound(int changed, Guid id)
    {
        if (changed == 0)
        {
            throw new ConversationNotFoundException(id);
        }
    }

    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
