using System.Data.Common;
using System.Text.RegularExpressions;

namespace WebChat.Services.Knowledge.Search;

/// <summary>
/// Keyword ranking. On SQLite: BM25 over FTS5, see <see cref="SqliteKeywordSearch"/>. On PostgreSQL: ts_rank over the
/// English-stemmed tsvector of text and heading that the Postgres Initial migration indexes with GIN. A question's words
/// are OR-ed, so a passage needs only some of them; question words that say nothing ("what", "the") are dropped first.
/// </summary>
public static partial class KeywordIndex
{
    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for", "from", "has", "have", "how", "in", "is",
        "it", "its", "of", "on", "or", "that", "the", "their", "this", "to", "was", "what", "when", "where", "which", "who",
        "whom", "whose", "why", "with", "i", "you", "we", "me", "my", "our", "your", "can", "could", "would", "should",
        "about", "tell", "there", "any", "much", "many",
    };

    /// <summary>PostgreSQL's input for websearch_to_tsquery, whose "or" ORs and which never fails on syntax; null when no word remains.</summary>
    public static string? WebSearchExpression(string query)
    {
        var words = QueryWords(query);
        return words.Count == 0 ? null : string.Join(" or ", words);
    }

    /// <summary>The question's words, lower-cased, without stop words or repeats, in order.</summary>
    public static List<string> QueryWords(string query) =>
        Words().Matches(query).Select(m => m.Value.ToLowerInvariant()).Where(w => !StopWords.Contains(w)).Distinct().ToList();

    /// <summary>The best <paramref name="limit"/> passages by keywords in the given collections, best first.</summary>
    public static Task<IReadOnlyList<(long ChunkId, double Score)>> SearchAsync(DbConnection connection, SqliteKeywordSearch sqlite, IReadOnlyCollection<Guid> collectionIds, string query, int limit, CancellationToken cancellationToken) =>
        connection is Npgsql.NpgsqlConnection
            ? SearchPostgresAsync(connection, collectionIds, query, limit, cancellationToken)
            : sqlite.SearchAsync(connection, collectionIds, query, limit, cancellationToken);

    private static async Task<IReadOnlyList<(long ChunkId, double Score)>> SearchPostgresAsync(DbConnection connection, IReadOnlyCollection<Guid> collectionIds, string query, int limit, CancellationToken cancellationToken)
    {
        var match = WebSearchExpression(query);
        if (match is null || collectionIds.Count == 0)
        {
            return [];
        }

        // The tsvector expression is the one the GIN index was built on (word for word, or the index goes unused).
        // Weights {D, C, B, A}: text (A) counts 1.0 and a heading (B) 0.3, as FTS5's bm25 weights in SqliteKeywordSearch; normalization
        // 1 divides by 1 + log(length), so long passages do not win by length alone (BM25's length term does the same).
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT c."Id", ts_rank('{0, 0, 0.3, 1.0}', setweight(to_tsvector('english', c."Text"), 'A') || setweight(to_tsvector('english', coalesce(c."Heading", '')), 'B'), q, 1) AS score
            FROM "KnowledgeChunks" c, websearch_to_tsquery('english', @match) q
            WHERE (setweight(to_tsvector('english', c."Text"), 'A') || setweight(to_tsvector('english', coalesce(c."Heading", '')), 'B')) @@ q
              AND c."CollectionId" = ANY(@collections)
            ORDER BY score DESC, c."Id" LIMIT @limit
            """;
        command.AddParameter("match", match);
        command.AddParameter("collections", collectionIds.ToArray());
        command.AddParameter("limit", limit);

        var hits = new List<(long, double)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            hits.Add((reader.GetInt64(0), reader.GetFloat(1)));
        }

        return hits;
    }


    [GeneratedRegex(@"\w+")]
    private static partial Regex Words();
}
