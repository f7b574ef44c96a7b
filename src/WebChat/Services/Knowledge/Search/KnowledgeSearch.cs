using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Services.Knowledge.Embedding;

namespace WebChat.Services.Knowledge.Search;

/// <summary>
/// Finds passages for a question: BM25 (exact names, codes and numbers) and vector similarity (the same thing said in
/// other words), each ranked to <see cref="CandidateDepth"/> at the same time, fused by reciprocal rank. It does not check access: the
/// caller (<see cref="KnowledgeService"/>) passes only collections the person may read.
/// </summary>
public sealed class KnowledgeSearch(IDbContextFactory<WebChatDbContext> dbFactory, VectorIndex vectors, EmbedderCatalog embedders)
{
    /// <summary>How deep each ranking goes before fusion.</summary>
    public const int CandidateDepth = 50;

    /// <summary>
    /// Reciprocal-rank fusion's constant. The textbook 60 (Cormack et al., 2009) flattens the first ranks so much that
    /// a passage first in BM25 alone (the one with the exact code asked about) loses to passages ranked middling in
    /// both lists: recall@5 on tests/knowledge was 75% with 60, 87% with 10, 98% with 2 (README, "Retrieval quality").
    /// </summary>
    public const int FusionK = 2;

    private readonly SqliteKeywordSearch sqliteKeywords = new();

    public Task<IReadOnlyList<SearchHit>> SearchAsync(IReadOnlyCollection<Guid> collectionIds, string query, int limit, SearchMode mode = SearchMode.Hybrid, CancellationToken cancellationToken = default) =>
        SearchAsync(collectionIds, query, limit, mode, FusionK, cancellationToken);

    /// <summary>As above with another fusion constant: the retrieval-quality test measures the choice.</summary>
    internal async Task<IReadOnlyList<SearchHit>> SearchAsync(IReadOnlyCollection<Guid> collectionIds, string query, int limit, SearchMode mode, int fusionK, CancellationToken cancellationToken)
    {
        if (collectionIds.Count == 0 || string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        // The two rankings run at once, each on its own connection: SQLite's "async" calls run synchronously, so the keyword
        // half goes to the thread pool while this thread embeds the question and scans the vectors.
        var keywordRanking = mode == SearchMode.Vector ? Task.FromResult<IReadOnlyList<long>>([]) : Task.Run(() => KeywordRankingAsync(collectionIds, query, cancellationToken), cancellationToken);
        var vectorRanking = mode == SearchMode.Keyword ? Task.FromResult<IReadOnlyList<long>>([]) : VectorRankingAsync(collectionIds, query, cancellationToken);
        await Task.WhenAll(keywordRanking, vectorRanking); // both awaited, so a failure of one is never left unobserved
        var fused = Fuse([await keywordRanking, await vectorRanking], fusionK).Take(limit).ToList();
        if (fused.Count == 0)
        {
            return [];
        }

        var ids = fused.Select(f => f.ChunkId).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.KnowledgeChunks.AsNoTracking()
            .Where(c => ids.Contains(c.Id))
            .Join(db.KnowledgeDocuments, c => c.DocumentId, d => d.Id,
                (c, d) => new { c.Id, c.DocumentId, c.CollectionId, d.FileName, c.Heading, c.Page, c.Text })
            .ToDictionaryAsync(r => r.Id, cancellationToken);
        return fused.Where(f => rows.ContainsKey(f.ChunkId))
            .Select(f => rows[f.ChunkId] is var r ? new SearchHit(r.Id, r.DocumentId, r.CollectionId, r.FileName, r.Heading, r.Page, r.Text, f.Score) : null!)
            .ToList();
    }

    /// <summary>Reciprocal-rank fusion: each ranking adds 1 / (k + rank) to a passage; one ranking alone keeps its order.</summary>
    public static IEnumerable<(long ChunkId, double Score)> Fuse(IReadOnlyList<IReadOnlyList<long>> rankings, int k = FusionK)
    {
        var scores = new Dictionary<long, double>();
        foreach (var ranking in rankings)
        {
            for (var rank = 0; rank < ranking.Count; rank++)
            {
                scores[ranking[rank]] = scores.GetValueOrDefault(ranking[rank]) + 1.0 / (k + rank + 1);
            }
        }

        return scores.OrderByDescending(s => s.Value).ThenBy(s => s.Key).Select(s => (s.Key, s.Value));
    }

    private async Task<IReadOnlyList<long>> KeywordRankingAsync(IReadOnlyCollection<Guid> collectionIds, string query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var hits = await KeywordIndex.SearchAsync(connection, sqliteKeywords, collectionIds, query, CandidateDepth, cancellationToken);
        return hits.Select(h => h.ChunkId).ToList();
    }

    private async Task<IReadOnlyList<long>> VectorRankingAsync(IReadOnlyCollection<Guid> collectionIds, string query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Collections written by different embedders are searched with a query vector from each, then merged by score.
        var groups = await db.KnowledgeCollections.AsNoTracking()
            .Where(c => collectionIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Embedder })
            .ToListAsync(cancellationToken);
        var hits = new List<(long ChunkId, float Score)>();
        foreach (var group in groups.GroupBy(g => g.Embedder))
        {
            var embedder = embedders.Get(group.Key);
            var vector = (await embedder.EmbedAsync([query], cancellationToken))[0];
            hits.AddRange(await vectors.SearchAsync(group.Select(g => g.Id).ToList(), embedder.Name, vector, CandidateDepth, cancellationToken));
        }

        return hits.OrderByDescending(h => h.Score).Take(CandidateDepth).Select(h => h.ChunkId).ToList();
    }
}
