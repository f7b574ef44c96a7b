using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge.Chunking;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Knowledge.Parsing;
using WebChat.Services.Knowledge.Search;

namespace WebChat.Services.Knowledge;

/// <summary>
/// Turns one queued document into searchable passages: parse, chunk, embed (reporting progress), then write every
/// passage, its vector and the document's new state in one transaction, so a refused, failed or cancelled file leaves
/// no passage behind. The file's bytes are dropped in every outcome.
/// </summary>
public sealed partial class KnowledgeIngestor(
    IDbContextFactory<WebChatDbContext> dbFactory,
    EmbedderCatalog embedders,
    VectorIndex vectors,
    IOptions<KnowledgeOptions> options,
    TimeProvider time,
    ILogger<KnowledgeIngestor> logger)
{
    private const int EmbedBatch = 16;

    public async Task<IngestionProgress> IngestAsync(Guid documentId, Action<IngestionProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(CancellationToken.None);
        var document = await db.KnowledgeDocuments.Include(d => d.Collection).SingleOrDefaultAsync(d => d.Id == documentId, CancellationToken.None);
        if (document is null)
        {
            return new IngestionProgress(documentId, IngestionStatus.Cancelled, 0, 0, null, "The file was deleted before it was read.");
        }

        var upload = await db.KnowledgeUploads.SingleOrDefaultAsync(u => u.DocumentId == documentId, CancellationToken.None);
        if (upload is null)
        {
            var gone = Finish(document, IngestionStatus.Failed, "The file's content is gone; add it again.");
            await db.SaveChangesAsync(CancellationToken.None);
            return gone;
        }

        document.Status = IngestionStatus.Ingesting;
        await db.SaveChangesAsync(CancellationToken.None);
        try
        {
            var embedder = embedders.Get(document.Collection!.Embedder);
            var parsed = DocumentParsers.Parse(document.FileName, upload.Content, options.Value.ParsingLimits);
            var chunks = Chunker.Split(parsed, options.Value.Chunking);
            var embedded = await EmbedAsync(document.Id, embedder, chunks, progress, cancellationToken);

            var rows = chunks.Select((c, i) => new KnowledgeChunk
            {
                DocumentId = document.Id,
                CollectionId = document.CollectionId,
                Ordinal = c.Ordinal,
                Text = c.Text,
                Heading = c.Heading,
                Page = c.Page,
                Tokens = c.Tokens,
                Vector = VectorCodec.ToBytes(embedded[i]),
                Embedder = embedder.Name,
            }).ToList();
            await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
            db.KnowledgeChunks.AddRange(rows);
            db.KnowledgeUploads.Remove(upload);
            document.Status = IngestionStatus.Ready;
            document.ChunkCount = rows.Count;
            document.PageCount = parsed.PageCount;
            document.IngestedAt = time.GetUtcNow().UtcDateTime;
            document.Error = null;
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            vectors.Add(document.CollectionId, embedder.Name, document.Id, rows.Select((r, i) => (r.Id, embedded[i])).ToList());
            var done = new IngestionProgress(document.Id, IngestionStatus.Ready, rows.Count, rows.Count, TimeSpan.Zero);
            progress?.Invoke(done);
            return done;
        }
        catch (DocumentRejectedException e)
        {
            return await FailAsync(db, document, upload, IngestionStatus.Failed, e.Message, progress);
        }
        catch (KnowledgeException e)
        {
            return await FailAsync(db, document, upload, IngestionStatus.Failed, e.Message, progress);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return await FailAsync(db, document, upload, IngestionStatus.Cancelled, "Cancelled before it was ready.", progress);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Not a file problem the person can fix: logged once here, shown as words on the document.
            LogUnexpected(logger, e, document.FileName);
            return await FailAsync(db, document, upload, IngestionStatus.Failed, "This file could not be read because of an error on the server.", progress);
        }
    }

    private async Task<float[][]> EmbedAsync(Guid documentId, ITextEmbedder embedder, IReadOnlyList<DocumentChunk> chunks, Action<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var vectors = new float[chunks.Count][];
        progress?.Invoke(new IngestionProgress(documentId, IngestionStatus.Ingesting, 0, chunks.Count, null));
        for (var start = 0; start < chunks.Count; start += EmbedBatch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = chunks.Skip(start).Take(EmbedBatch).Select(c => c.EmbeddingText).ToList();
            var embedded = await embedder.EmbedAsync(batch, cancellationToken);
            embedded.CopyTo(vectors, start);
            var done = start + batch.Count;
            var elapsed = Stopwatch.GetElapsedTime(started);
            progress?.Invoke(new IngestionProgress(documentId, IngestionStatus.Ingesting, done, chunks.Count, elapsed / done * (chunks.Count - done)));
        }

        return vectors;
    }

    private static async Task<IngestionProgress> FailAsync(WebChatDbContext db, KnowledgeDocument document, KnowledgeUpload upload, IngestionStatus status, string error, Action<IngestionProgress>? progress)
    {
        db.ChangeTracker.Clear();
        db.KnowledgeUploads.Remove(upload);
        db.KnowledgeDocuments.Attach(document);
        var result = Finish(document, status, error);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The document was deleted meanwhile (its upload with it): nothing is left to mark.
        }

        progress?.Invoke(result);
        return result;
    }

    private static IngestionProgress Finish(KnowledgeDocument document, IngestionStatus status, string error)
    {
        document.Status = status;
        document.Error = error;
        document.ChunkCount = 0;
        return new IngestionProgress(document.Id, status, 0, 0, null, error);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Ingesting {FileName} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string fileName);
}
