using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Services.Knowledge.Embedding;

namespace WebChat.Services.Knowledge.Search;

/// <summary>
/// Every collection's vectors in memory as one contiguous array, loaded from the database on first search and kept in
/// step by ingestion, re-indexing and deletion; a search is a brute-force dot product (vectors have unit length), see
/// <see cref="VectorSnapshot"/>. Each collection is an immutable snapshot of one embedder's vectors, so searches never
/// lock and a query is never compared with vectors of another model or length.
/// </summary>
public sealed class VectorIndex(IDbContextFactory<WebChatDbContext> dbFactory)
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task<VectorSnapshot>>> collections = new();

    // Guards replacing a loaded snapshot (add, remove), so two writers never lose each other's change.
    private readonly Lock writeLock = new();

    /// <summary>
    /// The <paramref name="limit"/> passages most similar to <paramref name="query"/> (a vector of <paramref name="embedder"/>)
    /// over the given collections, best first. A collection whose loaded vectors are another embedder's is read again.
    /// </summary>
    public async Task<IReadOnlyList<(long ChunkId, float Score)>> SearchAsync(IReadOnlyCollection<Guid> collectionIds, string embedder, float[] query, int limit, CancellationToken cancellationToken = default)
    {
        var best = new PriorityQueue<long, float>(limit + 1);
        foreach (var id in collectionIds)
        {
            var snapshot = await LoadAsync(id).WaitAsync(cancellationToken);
            if (snapshot.Embedder != embedder)
            {
                // Changed since it was loaded: read what the database holds for the collection's embedder now.
                Forget(id, snapshot);
                snapshot = await LoadAsync(id).WaitAsync(cancellationToken);
            }

            if (snapshot.Embedder == embedder)
            {
                snapshot.Rank(query, limit, best);
            }
        }

        var hits = new List<(long, float)>(best.Count);
        while (best.TryDequeue(out var chunk, out var score))
        {
            hits.Add((chunk, score));
        }

        hits.Reverse();
        return hits;
    }

    /// <summary>
    /// Adds passages (of one document) written by <paramref name="embedder"/> to a loaded collection; an unloaded one reads
    /// them from the database when first searched, and a loaded one of another embedder is dropped and read again.
    /// </summary>
    public void Add(Guid collectionId, string embedder, Guid documentId, IReadOnlyList<(long ChunkId, float[] Vector)> chunks) =>
        Update(collectionId, s => s.Embedder == embedder ? s.With(documentId, chunks) : null);

    public void RemoveDocument(Guid collectionId, Guid documentId) => Update(collectionId, s => s.Without(documentId));

    public void RemoveCollection(Guid collectionId) => collections.TryRemove(collectionId, out _);

    /// <summary>
    /// Drops the vectors of loaded collections that no longer exist: those removed with a conversation or an account by the
    /// database's cascade, which no code path here sees one by one. Returns how many collections were dropped.
    /// </summary>
    public async Task<int> ForgetDeletedAsync(CancellationToken cancellationToken = default)
    {
        var loaded = collections.Keys.ToList();
        if (loaded.Count == 0)
        {
            return 0;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var existing = (await db.KnowledgeCollections.AsNoTracking().Where(c => loaded.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken)).ToHashSet();
        return loaded.Count(id => !existing.Contains(id) && collections.TryRemove(id, out _));
    }

    /// <summary>How many vectors are held in memory (for the bench, the Storage page and the tests).</summary>
    public long LoadedVectors => collections.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Sum(l => (long)l.Value.Result.Count);

    /// <summary>Whether any vectors of the collection are held in memory.</summary>
    public bool IsLoaded(Guid collectionId) => collections.ContainsKey(collectionId);

    private void Update(Guid collectionId, Func<VectorSnapshot, VectorSnapshot?> change)
    {
        lock (writeLock)
        {
            if (collections.TryGetValue(collectionId, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully
                && change(lazy.Value.Result) is { } next)
            {
                collections[collectionId] = new Lazy<Task<VectorSnapshot>>(Task.FromResult(next));
            }
            else
            {
                // Not loaded, loading now (it may have read the table before this change), or of another embedder: load again when needed.
                collections.TryRemove(collectionId, out _);
            }
        }
    }

    private void Forget(Guid collectionId, VectorSnapshot stale)
    {
        lock (writeLock)
        {
            if (collections.TryGetValue(collectionId, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully && ReferenceEquals(lazy.Value.Result, stale))
            {
                collections.TryRemove(collectionId, out _);
            }
        }
    }

    private Task<VectorSnapshot> LoadAsync(Guid collectionId)
    {
        var lazy = collections.GetOrAdd(collectionId, id => new Lazy<Task<VectorSnapshot>>(() => ReadAsync(id)));
        var task = lazy.Value;
        if (task.IsFaulted)
        {
            collections.TryRemove(new KeyValuePair<Guid, Lazy<Task<VectorSnapshot>>>(collectionId, lazy));
        }

        return task;
    }

    /// <summary>The collection's passages written by its current embedder; passages still waiting to be re-embedded are left out.</summary>
    private async Task<VectorSnapshot> ReadAsync(Guid collectionId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var embedder = await db.KnowledgeCollections.AsNoTracking().Where(c => c.Id == collectionId).Select(c => c.Embedder).SingleOrDefaultAsync();
        if (embedder is null)
        {
            return VectorSnapshot.Empty("");
        }

        var rows = await db.KnowledgeChunks.AsNoTracking()
            .Where(c => c.CollectionId == collectionId && c.Embedder == embedder)
            .Select(c => new { c.Id, c.DocumentId, c.Vector })
            .ToListAsync();
        return VectorSnapshot.Empty(embedder).With(rows.Select(r => (r.Id, r.DocumentId, VectorCodec.ToVector(r.Vector))).ToList());
    }
}
