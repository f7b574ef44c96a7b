using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Knowledge.Search;

namespace WebChat.Services.Knowledge;

/// <summary>
/// Re-embeds, in the background, the passages whose vectors another embedder wrote than their collection's: after
/// <see cref="KnowledgeService.ChangeEmbedderAsync"/>, after a restart in the middle of that, or when the server no
/// longer has a collection's embedder (the collection then moves to the default one). Batch by batch, each batch in
/// one write, so a restart loses at most one batch. Until a passage is re-embedded it is found by keywords only:
/// vector search never compares a query with another model's vectors. Also forgets, from time to time, the vectors of
/// collections the database removed by cascade (a deleted conversation or account).
/// </summary>
public sealed partial class KnowledgeReindexer(
    IDbContextFactory<WebChatDbContext> dbFactory,
    EmbedderCatalog embedders,
    VectorIndex vectors,
    TimeProvider time,
    ILogger<KnowledgeReindexer> logger) : BackgroundService
{
    /// <summary>Passages embedded per write.</summary>
    public const int BatchSize = 32;

    // How long the loop sleeps with nothing to do unless woken: the catch-all for work it was not told about.
    private static readonly TimeSpan IdleWait = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim wake = new(0, 1);

    /// <summary>Starts the next round now (a collection's embedder changed).</summary>
    public void Wake()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: the next round sees every change.
        }
    }

    /// <summary>Passages of the collection still waiting to be re-embedded for its embedder.</summary>
    public static Task<int> PendingAsync(WebChatDbContext db, Guid collectionId, CancellationToken cancellationToken) =>
        db.KnowledgeChunks.Where(c => c.CollectionId == collectionId)
            .Join(db.KnowledgeCollections, c => c.CollectionId, k => k.Id, (c, k) => new { c.Embedder, Target = k.Embedder })
            .CountAsync(x => x.Embedder != x.Target, cancellationToken);

    /// <summary>Moves collections whose embedder this server no longer has to the default one; returns how many moved.</summary>
    public async Task<int> AdoptMissingEmbeddersAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var orphaned = (await db.KnowledgeCollections.ToListAsync(cancellationToken)).Where(c => !embedders.Has(c.Embedder)).ToList();
        if (orphaned.Count == 0)
        {
            return 0;
        }

        var fallback = await embedders.DefaultAsync(cancellationToken);
        foreach (var collection in orphaned)
        {
            LogAdopted(logger, collection.Name, collection.Embedder, fallback.Name);
            collection.Embedder = fallback.Name;
            collection.Dimensions = fallback.Dimensions;
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var collection in orphaned)
        {
            vectors.RemoveCollection(collection.Id);
        }

        return orphaned.Count;
    }

    /// <summary>Re-embeds one batch of waiting passages (of one collection); returns how many, 0 when nothing waits.</summary>
    public async Task<int> RunBatchAsync(CancellationToken cancellationToken = default) =>
        await RunBatchAsync(new HashSet<string>(StringComparer.Ordinal), cancellationToken) ?? 0;

    /// <summary>
    /// As above, passing over collections whose embedder is in <paramref name="unavailable"/>; null when this batch's
    /// embedder turned out unavailable (a remote engine down, a GGUF model deleted): it joins the set and its passages
    /// wait, untouched, for a later round, while other collections go on.
    /// </summary>
    private async Task<int?> RunBatchAsync(HashSet<string> unavailable, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var skipped = unavailable.ToList();
        var batch = await db.KnowledgeChunks
            .Join(db.KnowledgeCollections, c => c.CollectionId, k => k.Id, (c, k) => new { Chunk = c, Target = k.Embedder })
            .Where(x => x.Chunk.Embedder != x.Target && !skipped.Contains(x.Target))
            .OrderBy(x => x.Chunk.CollectionId).ThenBy(x => x.Chunk.Id)
            .Take(BatchSize)
            .ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            return 0;
        }

        var collectionId = batch[0].Chunk.CollectionId;
        var target = batch[0].Target;
        if (!embedders.Has(target))
        {
            // Taken up by AdoptMissingEmbeddersAsync at the next round.
            unavailable.Add(target);
            return null;
        }

        var chunks = batch.Where(x => x.Chunk.CollectionId == collectionId).Select(x => x.Chunk).ToList();
        var embedder = embedders.Get(target);
        float[][] embedded;
        try
        {
            embedded = await embedder.EmbedAsync(chunks.Select(EmbeddingText).ToList(), cancellationToken);
        }
        catch (KnowledgeException e)
        {
            LogUnavailable(logger, target, e.Message);
            unavailable.Add(target);
            return null;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The collection may have changed embedder again while this batch was embedded: then the batch is worthless.
        if (await db.KnowledgeCollections.Where(k => k.Id == collectionId).Select(k => k.Embedder).SingleOrDefaultAsync(cancellationToken) != target)
        {
            return chunks.Count;
        }

        for (var i = 0; i < chunks.Count; i++)
        {
            chunks[i].Vector = VectorCodec.ToBytes(embedded[i]);
            chunks[i].Embedder = target;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Some passages were deleted with their document meanwhile: the next round reads what is left.
            return chunks.Count;
        }

        await transaction.CommitAsync(cancellationToken);
        foreach (var document in chunks.Select((c, i) => (c, i)).GroupBy(x => x.c.DocumentId))
        {
            vectors.Add(collectionId, target, document.Key, document.Select(x => (x.c.Id, embedded[x.i])).ToList());
        }

        return chunks.Count;
    }

    /// <summary>Re-embeds until nothing waits (the tests and the loop below).</summary>
    public async Task<int> RunUntilDoneAsync(CancellationToken cancellationToken = default)
    {
        await AdoptMissingEmbeddersAsync(cancellationToken);
        var total = 0;
        var unavailable = new HashSet<string>(StringComparer.Ordinal);
        while (await RunBatchAsync(unavailable, cancellationToken) is var done and (null or > 0))
        {
            total += done ?? 0;
        }

        return total;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await RunUntilDoneAsync(stoppingToken) is var done and > 0)
                {
                    LogReindexed(logger, done);
                }

                await vectors.ForgetDeletedAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }

            using var idle = new CancellationTokenSource(IdleWait, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(idle.Token, stoppingToken);
            try
            {
                await wake.WaitAsync(either.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // A minute with no wake: look again anyway.
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string EmbeddingText(Data.Entities.KnowledgeChunk chunk) =>
        new Chunking.DocumentChunk(chunk.Ordinal, chunk.Text, chunk.Heading, chunk.Page, chunk.Tokens).EmbeddingText;

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Collection {Name} was indexed with the embedder {Old}, which this server no longer has; it is re-indexed with {New}")]
    private static partial void LogAdopted(ILogger logger, string name, string old, string @new);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Passages waiting for the embedder {Embedder} stay as they are until it is back: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string embedder, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-embedded {Count} passages for their collections' embedders")]
    private static partial void LogReindexed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Re-indexing passages failed; it is tried again later")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
