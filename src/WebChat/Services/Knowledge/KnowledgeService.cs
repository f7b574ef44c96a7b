using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Knowledge.Parsing;
using WebChat.Services.Knowledge.Search;

namespace WebChat.Services.Knowledge;

/// <summary>
/// Collections and their files for the Knowledge page and the chat: create, share, add and delete files, search. Every
/// call checks access through <see cref="KnowledgeAccess"/>; a person never reads or finds another's private collection.
/// </summary>
public sealed partial class KnowledgeService(
    IDbContextFactory<WebChatDbContext> dbFactory,
    IngestionQueue ingestion,
    KnowledgeSearch search,
    VectorIndex vectors,
    EmbedderCatalog embedders,
    KnowledgeReindexer reindexer,
    IOptions<KnowledgeOptions> options,
    TimeProvider time)
{
    public async Task<IReadOnlyList<CollectionView>> ListAsync(KnowledgeActor actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.KnowledgeCollections.AsNoTracking()
            .Where(KnowledgeAccess.Readable(actor))
            .Where(c => c.Scope != CollectionScope.Conversation)
            .OrderBy(c => c.Name)
            .Select(c => new
            {
                Collection = c,
                Documents = c.Documents.Count,
                Pending = db.KnowledgeChunks.Count(k => k.CollectionId == c.Id && k.Embedder != c.Embedder),
            })
            .ToListAsync(cancellationToken);
        return rows.Select(r => View(actor, r.Collection, r.Documents, r.Pending)).ToList();
    }

    public async Task<CollectionView> CreateAsync(KnowledgeActor actor, string name, CollectionScope scope, string? description = null, CancellationToken cancellationToken = default)
    {
        name = ValidName(name);
        if (scope == CollectionScope.Team && !actor.IsAdmin)
        {
            throw new KnowledgeException("Only an admin can make a team collection.");
        }

        if (scope == CollectionScope.Conversation)
        {
            throw new KnowledgeException("Files attached to a chat get their collection by themselves.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.KnowledgeCollections.AnyAsync(c => c.OwnerId == actor.UserId && c.Name == name && c.Scope != CollectionScope.Conversation, cancellationToken))
        {
            throw new KnowledgeException($"You already have a collection named \"{name}\".");
        }

        var embedder = await embedders.DefaultAsync(cancellationToken);
        var collection = new KnowledgeCollection
        {
            Name = name,
            Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
            OwnerId = actor.UserId,
            Scope = scope,
            Embedder = embedder.Name,
            Dimensions = embedder.Dimensions,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.KnowledgeCollections.Add(collection);
        await db.SaveChangesAsync(cancellationToken);
        return View(actor, collection, 0, 0);
    }

    /// <summary>Shares a collection with everyone or makes it private again (team collections stay team-wide).</summary>
    public async Task SetSharedAsync(KnowledgeActor actor, Guid collectionId, bool shared, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var collection = await ChangeableAsync(db, actor, collectionId, cancellationToken);
        if (collection.Scope is CollectionScope.Private or CollectionScope.Shared)
        {
            collection.Scope = shared ? CollectionScope.Shared : CollectionScope.Private;
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Moves a collection to another embedder. Its passages are re-embedded in the background by
    /// <see cref="KnowledgeReindexer"/> (the collection's <see cref="CollectionView.PassagesToReindex"/> says how many are
    /// left); meanwhile searches embed the question with the new embedder and find by vector only the passages already
    /// re-embedded, and by keywords all of them.
    /// </summary>
    public async Task ChangeEmbedderAsync(KnowledgeActor actor, Guid collectionId, string embedderName, CancellationToken cancellationToken = default)
    {
        if (!embedders.Has(embedderName))
        {
            throw new KnowledgeException($"This server has no embedder named \"{embedderName}\" (built in: {string.Join(", ", embedders.BuiltInNames)}).");
        }

        // A GGUF model takes memory and a remote engine takes its owner's capacity: choosing them is an admin's call.
        if (!actor.IsAdmin && !embedders.IsBuiltIn(embedderName))
        {
            throw new KnowledgeException("Only an admin can move a collection to a GGUF or remote embedder.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var collection = await ChangeableAsync(db, actor, collectionId, cancellationToken);
        if (collection.Embedder == embedderName)
        {
            return;
        }

        // Tried first (a GGUF loads, a remote engine answers), so a collection never moves to an embedder that cannot work.
        var dimensions = await embedders.ProbeAsync(embedderName, cancellationToken);
        collection.Embedder = embedderName;
        collection.Dimensions = dimensions;
        await db.SaveChangesAsync(cancellationToken);
        vectors.RemoveCollection(collectionId);
        reindexer.Wake();
    }

    public async Task DeleteCollectionAsync(KnowledgeActor actor, Guid collectionId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var collection = await ChangeableAsync(db, actor, collectionId, cancellationToken);
        foreach (var documentId in await db.KnowledgeDocuments.Where(d => d.CollectionId == collectionId).Select(d => d.Id).ToListAsync(cancellationToken))
        {
            ingestion.Cancel(documentId);
        }

        db.KnowledgeCollections.Remove(collection);
        await db.SaveChangesAsync(cancellationToken);
        vectors.RemoveCollection(collectionId);
    }

    public async Task<IReadOnlyList<DocumentView>> ListDocumentsAsync(KnowledgeActor actor, Guid collectionId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await ReadableAsync(db, actor, collectionId, cancellationToken);
        return await db.KnowledgeDocuments.AsNoTracking()
            .Where(d => d.CollectionId == collectionId)
            .OrderBy(d => d.CreatedAt)
            .Select(d => new DocumentView(d.Id, d.FileName, d.SizeBytes, d.Status, d.Error, d.ChunkCount, d.PageCount, d.CreatedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Stores the file and queues it for ingestion (progress through <see cref="IngestionQueue"/>). The size, type and
    /// storage limits are checked here, before anything is stored; a file that turns out unreadable fails in ingestion.
    /// </summary>
    public async Task<DocumentView> AddDocumentAsync(KnowledgeActor actor, Guid collectionId, string fileName, byte[] content, CancellationToken cancellationToken = default)
    {
        fileName = Path.GetFileName(fileName.Trim());
        var limits = options.Value.ParsingLimits;
        if (content.Length > limits.MaxFileBytes)
        {
            throw new KnowledgeException($"\"{fileName}\" is {Megabytes(content.Length)} MB; files up to {options.Value.MaxFileMegabytes} MB can be added.");
        }

        if (!DocumentParsers.IsSupported(fileName))
        {
            throw new KnowledgeException($"\"{fileName}\" is not a file type that can be added (PDF, Word .docx, Markdown, HTML, text or source code).");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await ChangeableAsync(db, actor, collectionId, cancellationToken);
        var used = await StorageUsedAsync(db, actor.UserId, cancellationToken);
        var allowed = options.Value.StoragePerUserMegabytes * 1024L * 1024;
        if (used + content.Length > allowed)
        {
            throw new KnowledgeException(
                $"Adding \"{fileName}\" would take your files to {Megabytes(used + content.Length)} MB; your limit is {options.Value.StoragePerUserMegabytes} MB. Delete files you no longer need.");
        }

        var document = new KnowledgeDocument
        {
            CollectionId = collectionId,
            FileName = fileName,
            SizeBytes = content.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)),
            UploadedById = actor.UserId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        db.KnowledgeDocuments.Add(document);
        db.KnowledgeUploads.Add(new KnowledgeUpload { DocumentId = document.Id, Content = content });
        await db.SaveChangesAsync(cancellationToken);
        ingestion.Enqueue(document.Id);
        return new DocumentView(document.Id, document.FileName, document.SizeBytes, document.Status, null, 0, null, document.CreatedAt);
    }

    /// <summary>Deletes a file with its passages (the FTS rows follow by trigger) and its vectors; a running ingestion is cancelled first.</summary>
    public async Task DeleteDocumentAsync(KnowledgeActor actor, Guid documentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var document = await db.KnowledgeDocuments.SingleOrDefaultAsync(d => d.Id == documentId, cancellationToken)
            ?? throw new KnowledgeException("That file no longer exists.");
        await ChangeableAsync(db, actor, document.CollectionId, cancellationToken);
        ingestion.Cancel(documentId);
        db.KnowledgeDocuments.Remove(document);
        await db.SaveChangesAsync(cancellationToken);
        vectors.RemoveDocument(document.CollectionId, documentId);
    }

    /// <summary>Searches the given collections, silently leaving out any this person may not read.</summary>
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(KnowledgeActor actor, IReadOnlyCollection<Guid> collectionIds, string query, int limit, SearchMode mode = SearchMode.Hybrid, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var readable = await db.KnowledgeCollections.AsNoTracking()
            .Where(c => collectionIds.Contains(c.Id))
            .Where(KnowledgeAccess.Readable(actor))
            .Select(c => c.Id)
            .ToListAsync(cancellationToken);
        return await search.SearchAsync(readable, query, limit, mode, cancellationToken);
    }

    /// <summary>Bytes of the files this person added (failed ones excluded), against <see cref="KnowledgeOptions.StoragePerUserMegabytes"/>.</summary>
    public async Task<long> StorageUsedAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await StorageUsedAsync(db, userId, cancellationToken);
    }

    private static Task<long> StorageUsedAsync(WebChatDbContext db, string userId, CancellationToken cancellationToken) =>
        Counted(db.KnowledgeDocuments).Where(d => d.UploadedById == userId).SumAsync(d => d.SizeBytes, cancellationToken);

    /// <summary>The files that count against the storage limit: all but failed and cancelled ones.</summary>
    internal static IQueryable<KnowledgeDocument> Counted(IQueryable<KnowledgeDocument> documents) =>
        documents.Where(d => d.Status != IngestionStatus.Failed && d.Status != IngestionStatus.Cancelled);

    internal static async Task<KnowledgeCollection> ReadableAsync(WebChatDbContext db, KnowledgeActor actor, Guid collectionId, CancellationToken cancellationToken)
    {
        var collection = await db.KnowledgeCollections.SingleOrDefaultAsync(c => c.Id == collectionId, cancellationToken);
        // Someone else's private collection reads as missing: its existence is not theirs to know.
        return collection is not null && KnowledgeAccess.CanRead(actor, collection)
            ? collection
            : throw new KnowledgeException("That collection does not exist or is not shared with you.");
    }

    private static async Task<KnowledgeCollection> ChangeableAsync(WebChatDbContext db, KnowledgeActor actor, Guid collectionId, CancellationToken cancellationToken)
    {
        var collection = await ReadableAsync(db, actor, collectionId, cancellationToken);
        return KnowledgeAccess.CanChange(actor, collection)
            ? collection
            : throw new KnowledgeException(collection.Scope == CollectionScope.Team
                ? "Only an admin can change a team collection."
                : "Only the owner of a shared collection can change it.");
    }

    private static CollectionView View(KnowledgeActor actor, KnowledgeCollection c, int documents, int pending) =>
        new(c.Id, c.Name, c.Description, c.Scope, c.OwnerId == actor.UserId, KnowledgeAccess.CanChange(actor, c), documents, c.Embedder, pending);

    /// <summary>Names are what "#name" in the composer refers to: letters, digits, '-' and '_', up to 40.</summary>
    private static string ValidName(string name)
    {
        name = name.Trim().TrimStart('#');
        return CollectionName().IsMatch(name)
            ? name
            : throw new KnowledgeException("A collection name is 1 to 40 letters, digits, '-' or '_' (it is what #name in a chat refers to).");
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[\p{L}\p{N}_-]{1,40}$")]
    public static partial Regex CollectionName();
}
