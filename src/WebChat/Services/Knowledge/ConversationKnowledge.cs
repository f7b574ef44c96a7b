using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge.Chunking;

namespace WebChat.Services.Knowledge;

/// <summary>
/// Knowledge as one chat uses it: the collections it picked, the files attached to it (a collection of its own) and
/// "#name" in a question; the sources for the next answer within the prompt budget, and the citations kept with it.
/// The chat's one hook into knowledge.
/// </summary>
public sealed partial class ConversationKnowledge(
    IDbContextFactory<WebChatDbContext> dbFactory,
    KnowledgeService knowledge,
    IOptions<KnowledgeOptions> options)
{
    /// <summary>Attaches a file to the chat: it goes into the chat's own collection (made on first use), ingested in the background.</summary>
    public async Task<DocumentView> AttachAsync(KnowledgeActor actor, Guid conversationId, string fileName, byte[] content, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Conversations.AnyAsync(c => c.Id == conversationId && c.UserId == actor.UserId, cancellationToken))
        {
            throw new KnowledgeException("That conversation does not exist.");
        }

        var collection = await db.KnowledgeCollections.SingleOrDefaultAsync(c => c.ConversationId == conversationId, cancellationToken);
        if (collection is null)
        {
            var created = await knowledge.CreateAsync(actor, "chat-" + conversationId.ToString("N")[..8], CollectionScope.Private, cancellationToken: cancellationToken);
            collection = await db.KnowledgeCollections.SingleAsync(c => c.Id == created.Id, cancellationToken);
            collection.Scope = CollectionScope.Conversation;
            collection.ConversationId = conversationId;
            db.ConversationCollections.Add(new ConversationCollection { ConversationId = conversationId, CollectionId = collection.Id });
            await db.SaveChangesAsync(cancellationToken);
        }

        return await knowledge.AddDocumentAsync(actor, collection.Id, fileName, content, cancellationToken);
    }

    /// <summary>The files attached to the chat, oldest first, with where their ingestion is.</summary>
    public async Task<IReadOnlyList<DocumentView>> AttachmentsAsync(string userId, Guid conversationId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.KnowledgeDocuments.AsNoTracking()
            .Where(d => d.Collection!.ConversationId == conversationId && d.Collection.OwnerId == userId)
            .OrderBy(d => d.CreatedAt)
            .Select(d => new DocumentView(d.Id, d.FileName, d.SizeBytes, d.Status, d.Error, d.ChunkCount, d.PageCount, d.CreatedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The collections the chat searches (its own attachments included).</summary>
    public async Task<IReadOnlyList<Guid>> PickedAsync(string userId, Guid conversationId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ConversationCollections.Where(p => p.ConversationId == conversationId)
            .Join(db.Conversations.Where(c => c.UserId == userId), p => p.ConversationId, c => c.Id, (p, _) => p.CollectionId)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Sets the collections the chat searches; ones the person may not read are ignored, the chat's own attachments stay.</summary>
    public async Task PickAsync(KnowledgeActor actor, Guid conversationId, IReadOnlyCollection<Guid> collectionIds, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Conversations.AnyAsync(c => c.Id == conversationId && c.UserId == actor.UserId, cancellationToken))
        {
            throw new KnowledgeException("That conversation does not exist.");
        }

        var readable = await db.KnowledgeCollections.Where(c => collectionIds.Contains(c.Id) && c.Scope != CollectionScope.Conversation)
            .Where(KnowledgeAccess.Readable(actor)).Select(c => c.Id).ToListAsync(cancellationToken);
        var current = await db.ConversationCollections.Where(p => p.ConversationId == conversationId)
            .Join(db.KnowledgeCollections, p => p.CollectionId, c => c.Id, (p, c) => new { Pick = p, c.Scope })
            .ToListAsync(cancellationToken);
        db.ConversationCollections.RemoveRange(current.Where(p => p.Scope != CollectionScope.Conversation && !readable.Contains(p.Pick.CollectionId)).Select(p => p.Pick));
        db.ConversationCollections.AddRange(readable.Where(id => current.All(p => p.Pick.CollectionId != id))
            .Select(id => new ConversationCollection { ConversationId = conversationId, CollectionId = id }));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The sources for the next answer to <paramref name="question"/>: the chat's collections plus any "#name" the question
    /// mentions, searched (hybrid) and fitted into the budget that is left after the question and the answer's room.
    /// Null when the chat uses no knowledge or nothing fits.
    /// </summary>
    public async Task<RetrievedSources?> RetrieveAsync(KnowledgeActor actor, Guid conversationId, string question, int contextTokens, int answerTokens, CancellationToken cancellationToken = default)
    {
        var collections = (await PickedAsync(actor.UserId, conversationId, cancellationToken)).ToHashSet();
        var mentioned = Mentions().Matches(question).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (mentioned.Count > 0)
        {
            foreach (var collection in await knowledge.ListAsync(actor, cancellationToken))
            {
                if (mentioned.Contains(collection.Name))
                {
                    collections.Add(collection.Id);
                }
            }
        }

        if (collections.Count == 0)
        {
            return null;
        }

        var budget = SourcesPrompt.Budget(contextTokens, TokenCounter.Count(question), answerTokens, options.Value.SourceShareOfContext);
        var hits = await knowledge.SearchAsync(actor, collections, Mentions().Replace(question, "$1"), options.Value.PassagesPerAnswer, cancellationToken: cancellationToken);
        return SourcesPrompt.Build(hits, budget);
    }

    /// <summary>Keeps the citations with the answer they were given to (they survive the file's deletion; export reads them).</summary>
    public async Task SaveCitationsAsync(Guid messageId, IReadOnlyList<Citation> citations, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.MessageCitations.AddRange(Rows(messageId, citations));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The rows that keep <paramref name="citations"/> with an answer, for a caller saving the answer in the same change.</summary>
    public static IEnumerable<MessageCitation> Rows(Guid messageId, IEnumerable<Citation> citations) => citations.Select(c => new MessageCitation
    {
        MessageId = messageId,
        Number = c.Number,
        DocumentId = c.DocumentId,
        FileName = c.FileName,
        Page = c.Page,
        Heading = c.Heading,
        Text = c.Text,
    });

    public async Task<IReadOnlyList<Citation>> CitationsAsync(Guid messageId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.MessageCitations.AsNoTracking().Where(c => c.MessageId == messageId).OrderBy(c => c.Number)
            .Select(c => new Citation(c.Number, c.DocumentId, c.FileName, c.Page, c.Heading, c.Text))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The citations of each answer among <paramref name="messageIds"/> that has any, in their order.</summary>
    public static async Task<IReadOnlyDictionary<Guid, IReadOnlyList<Citation>>> CitationsByMessageAsync(
        WebChatDbContext db, IReadOnlyCollection<Guid> messageIds, CancellationToken cancellationToken = default)
    {
        var rows = await db.MessageCitations.AsNoTracking().Where(c => messageIds.Contains(c.MessageId))
            .OrderBy(c => c.MessageId).ThenBy(c => c.Number).ToListAsync(cancellationToken);
        return rows.GroupBy(c => c.MessageId).ToDictionary(
            g => g.Key,
            g => (IReadOnlyList<Citation>)g.Select(c => new Citation(c.Number, c.DocumentId, c.FileName, c.Page, c.Heading, c.Text)).ToList());
    }

    // "#name" at a word start; the name's rule is KnowledgeService's (letters, digits, '-', '_').
    [GeneratedRegex(@"(?<![\w#])#([\p{L}\p{N}_-]{1,40})")]
    private static partial Regex Mentions();
}
