using System.Collections.Concurrent;
using System.Numerics.Tensors;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Services.Knowledge.Embedding;

namespace WebChat.Services.Knowledge.Search;

/// <summary>
/// Every collection's vectors in memory as one contiguous array, loaded from SQLite on first search and kept in step
/// by ingestion and deletion; a search is a brute-force dot product (vectors have unit length) with
/// <see cref="TensorPrimitives"/>. Each collection is an immutable snapshot, so searches never lock.
/// </summary>
public sealed class VectorIndex(IDbContextFactory<WebChatDbContext> dbFactory)
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task<Snapshot>>> collections = new();

    // Guards replacing a loaded snapshot (add, remove), so two writers never lose each other's change.
    private readonly Lock writeLock = new();

    /// <summary>The <paramref name="limit"/> passages most similar to <paramref name="query"/> over the given collections, best first.</summary>
    public async Task<IReadOnlyList<(long ChunkId, float Score)>> SearchAsync(IReadOnlyCollection<Guid> collectionIds, float[] query, int limit, CancellationToken cancellationToken = default)
    {
        var best = new PriorityQueue<long, float>(limit + 1);
        foreach (var id in collectionIds)
        {
            var snapshot = await LoadAsync(id).WaitAsync(cancellationToken);
            snapshot.Rank(query, limit, best);
        }

        var hits = new List<(long, float)>(best.Count);
        while (best.TryDequeue(out var chunk, out var score))
        {
            hits.Add((chunk, score));
        }

        hits.Reverse();
        return hits;
    }

    /// <summary>Adds a document's passages to a loaded collection; an unloaded one reads them from the database when first searched.</summary>
    public void Add(Guid collectionId, Guid documentId, IReadOnlyList<(long ChunkId, float[] Vector)> chunks) =>
        Update(collectionId, s => s.With(documentId, chunks));

    public void RemoveDocument(Guid collectionId, Guid documentId) => Update(collectionId, s => s.Without(documentId));

    public void RemoveCollection(Guid collectionId) => collections.TryRemove(collectionId, out _);

    /// <summary>How many vectors are held in memory (for the bench and the Storage page).</summary>
    public long LoadedVectors => collections.Values.Where(l => l.IsValueCreated && l.Value.IsCompletedSuccessfully).Sum(l => (long)l.Value.Result.Count);

    private void Update(Guid collectionId, Func<Snapshot, Snapshot> change)
    {
        lock (writeLock)
        {
            if (collections.TryGetValue(collectionId, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                var next = change(lazy.Value.Result);
                collections[collectionId] = new Lazy<Task<Snapshot>>(Task.FromResult(next));
            }
            else
            {
                // Not loaded, or loading now (it may have read the table before this change): load again when needed.
                collections.TryRemove(collectionId, out _);
            }
        }
    }

    private Task<Snapshot> LoadAsync(Guid collectionId)
    {
        var lazy = collections.GetOrAdd(collectionId, id => new Lazy<Task<Snapshot>>(() => ReadAsync(id)));
        var task = lazy.Value;
        if (task.IsFaulted)
        {
            collections.TryRemove(new KeyValuePair<Guid, Lazy<Task<Snapshot>>>(collectionId, lazy));
        }

        return task;
    }

    private async Task<Snapshot> ReadAsync(Guid collectionId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var rows = await db.KnowledgeChunks.AsNoTracking()
            .Where(c => c.CollectionId == collectionId)
            .Select(c => new { c.Id, c.DocumentId, c.Vector })
            .ToListAsync();
        return Snapshot.Empty.With(rows.Select(r => (r.Id, r.DocumentId, VectorCodec.ToVector(r.Vector))).ToList());
    }

    /// <summary>One collection's vectors, row i at data[i*d .. (i+1)*d); never changed once built.</summary>
    private sealed class Snapshot(long[] ids, Guid[] documents, float[] data, int dimensions)
    {
        public static Snapshot Empty { get; } = new([], [], [], 0);

        public int Count => ids.Length;

        public void Rank(float[] query, int limit, PriorityQueue<long, float> best)
        {
            if (dimensions != query.Length)
            {
                return;
            }

            var all = data.AsSpan();
            for (var i = 0; i < ids.Length; i++)
            {
                var score = TensorPrimitives.Dot(query, all.Slice(i * dimensions, dimensions));
                if (best.Count < limit)
                {
                    best.Enqueue(ids[i], score);
                }
                else if (best.TryPeek(out _, out var worst) && score > worst)
                {
                    best.DequeueEnqueue(ids[i], score);
                }
            }
        }

        public Snapshot With(Guid documentId, IReadOnlyList<(long ChunkId, float[] Vector)> chunks) =>
            With(chunks.Select(c => (c.ChunkId, documentId, c.Vector)).ToList());

        public Snapshot With(IReadOnlyList<(long Id, Guid Document, float[] Vector)> rows)
        {
            if (rows.Count == 0)
            {
                return this;
            }

            var d = rows[0].Vector.Length;
            var nextData = new float[data.Length + rows.Count * d];
            data.CopyTo(nextData, 0);
            for (var i = 0; i < rows.Count; i++)
            {
                rows[i].Vector.CopyTo(nextData, data.Length + i * d);
            }

            return new Snapshot([.. ids, .. rows.Select(r => r.Id)], [.. documents, .. rows.Select(r => r.Document)], nextData, d);
        }

        public Snapshot Without(Guid documentId)
        {
            var keep = Enumerable.Range(0, ids.Length).Where(i => documents[i] != documentId).ToArray();
            var nextData = new float[keep.Length * dimensions];
            for (var j = 0; j < keep.Length; j++)
            {
                data.AsSpan(keep[j] * dimensions, dimensions).CopyTo(nextData.AsSpan(j * dimensions));
            }

            return new Snapshot([.. keep.Select(i => ids[i])], [.. keep.Select(i => documents[i])], nextData, dimensions);
        }
    }
}
