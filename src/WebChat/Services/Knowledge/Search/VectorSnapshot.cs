using System.Numerics.Tensors;

namespace WebChat.Services.Knowledge.Search;

/// <summary>
/// One collection's vectors from one embedder, row i at data[i*d .. (i+1)*d); never changed once built. Every row has
/// the same length: adding a vector of another length is a bug, refused here rather than searched wrongly.
/// </summary>
internal sealed class VectorSnapshot(string embedder, long[] ids, Guid[] documents, float[] data, int dimensions)
{
    public static VectorSnapshot Empty(string embedder) => new(embedder, [], [], [], 0);

    /// <summary>The embedder whose vectors these are; a query of another is never ranked here.</summary>
    public string Embedder => embedder;

    public int Count => ids.Length;

    /// <summary>Scores every row against <paramref name="query"/> (both unit length: the dot product is the cosine) and keeps the best in a min-heap of <paramref name="limit"/>.</summary>
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

    public VectorSnapshot With(Guid documentId, IReadOnlyList<(long ChunkId, float[] Vector)> chunks) =>
        With(chunks.Select(c => (c.ChunkId, documentId, c.Vector)).ToList());

    public VectorSnapshot With(IReadOnlyList<(long Id, Guid Document, float[] Vector)> rows)
    {
        if (rows.Count == 0)
        {
            return this;
        }

        var d = ids.Length == 0 ? rows[0].Vector.Length : dimensions;
        if (rows.Any(r => r.Vector.Length != d))
        {
            throw new InvalidOperationException($"Vectors of {embedder} must all have {d} dimensions; one of another length was added.");
        }

        var nextData = new float[ids.Length * d + rows.Count * d];
        data.CopyTo(nextData, 0);
        for (var i = 0; i < rows.Count; i++)
        {
            rows[i].Vector.CopyTo(nextData, data.Length + i * d);
        }

        return new VectorSnapshot(embedder, [.. ids, .. rows.Select(r => r.Id)], [.. documents, .. rows.Select(r => r.Document)], nextData, d);
    }

    public VectorSnapshot Without(Guid documentId)
    {
        var keep = Enumerable.Range(0, ids.Length).Where(i => documents[i] != documentId).ToArray();
        var nextData = new float[keep.Length * dimensions];
        for (var j = 0; j < keep.Length; j++)
        {
            data.AsSpan(keep[j] * dimensions, dimensions).CopyTo(nextData.AsSpan(j * dimensions));
        }

        return new VectorSnapshot(embedder, [.. keep.Select(i => ids[i])], [.. keep.Select(i => documents[i])], nextData, dimensions);
    }
}
