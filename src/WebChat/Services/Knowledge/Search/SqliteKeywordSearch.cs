using System.Collections.Concurrent;
using System.Data.Common;

namespace WebChat.Services.Knowledge.Search;

/// <summary>
/// BM25 over SQLite's FTS5 index KnowledgeChunksFts (Text, Heading, and a Collection token per passage: see the
/// AddCollectionToKeywordIndex migration), built so that a question costs what its rare words cost, not what the
/// whole index holds:
/// <list type="bullet">
/// <item>Question words in more than half of all passages are dropped. FTS5's bm25 gives such a word an IDF of about
/// zero (it clamps a negative IDF to 1e-6), so leaving it out changes no score, yet a word in every passage made FTS5
/// score every passage.</item>
/// <item>When the searched collections hold a large share of the index, FTS5 ranks first (ORDER BY rank, which FTS5
/// sorts itself) and SQLite checks each passage's collection in that order, stopping at the limit: a few dozen
/// look-ups instead of one per matching passage.</item>
/// <item>Otherwise (a chat's few files in a large index) the collection tokens are part of the MATCH, so FTS5 only
/// scores the passages of those collections; the Collection column weighs 0 in bm25, so scores are the same.</item>
/// </list>
/// One instance per database: it remembers which words were found common.
/// </summary>
public sealed class SqliteKeywordSearch
{
    /// <summary>Above this share of all passages the searched collections are ranked first and filtered after.</summary>
    internal const double RankFirstShare = 0.25;

    private const string Weights = "1.0, 0.3, 0.0";

    // How long a word found in more than half the passages is taken to stay so without counting again. Counting such a
    // word reads its whole posting list (4 ms at 100k passages); a word's share of the index changes slowly.
    private static readonly TimeSpan CommonFor = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, long> commonUntil = new(StringComparer.Ordinal);

    /// <summary>The Collection column's token for a collection (as the migration's triggers write it).</summary>
    public static string CollectionToken(Guid collectionId) => "c" + collectionId.ToString("N");

    /// <summary>The best <paramref name="limit"/> passages by BM25 in the given collections, best first (higher score is better).</summary>
    public Task<IReadOnlyList<(long ChunkId, double Score)>> SearchAsync(DbConnection connection, IReadOnlyCollection<Guid> collectionIds, string query, int limit, CancellationToken cancellationToken) =>
        SearchAsync(connection, collectionIds, query, limit, rankFirst: null, cancellationToken);

    /// <summary>As above; <paramref name="rankFirst"/> forces one way of filtering by collection (null: chosen by share), for tests.</summary>
    internal async Task<IReadOnlyList<(long ChunkId, double Score)>> SearchAsync(DbConnection connection, IReadOnlyCollection<Guid> collectionIds, string query, int limit, bool? rankFirst, CancellationToken cancellationToken)
    {
        var words = KeywordIndex.QueryWords(query);
        if (words.Count == 0 || collectionIds.Count == 0)
        {
            return [];
        }

        var passages = await PassageCountAsync(connection, cancellationToken);
        if (passages == 0)
        {
            return [];
        }

        words = await DropCommonWordsAsync(connection, words, passages, cancellationToken);
        if (words.Count == 0)
        {
            return [];
        }

        var text = "{Text Heading} : (" + string.Join(" OR ", words.Select(w => "\"" + w + "\"")) + ")";
        rankFirst ??= (double)await CollectionPassagesAsync(connection, collectionIds, cancellationToken) / passages > RankFirstShare;
        await using var command = connection.CreateCommand();
        if (rankFirst.Value)
        {
            // EF Core stores a Guid in SQLite as upper-case text; the filter compares with the same form.
            var names = collectionIds.Select((_, i) => "$c" + i).ToList();
            command.CommandText = $"""
                SELECT f.rowid, f.rank FROM KnowledgeChunksFts f JOIN KnowledgeChunks c ON c.Id = f.rowid
                WHERE KnowledgeChunksFts MATCH $match AND f.rank MATCH 'bm25({Weights})' AND c.CollectionId IN ({string.Join(",", names)})
                ORDER BY f.rank LIMIT $limit
                """;
            foreach (var (name, id) in names.Zip(collectionIds))
            {
                command.AddParameter(name, id.ToString().ToUpperInvariant());
            }

            command.AddParameter("$match", text);
        }
        else
        {
            command.CommandText = $"""
                SELECT rowid, bm25(KnowledgeChunksFts, {Weights}) AS score FROM KnowledgeChunksFts
                WHERE KnowledgeChunksFts MATCH $match ORDER BY score LIMIT $limit
                """;
            command.AddParameter("$match", "Collection : (" + string.Join(" OR ", collectionIds.Select(id => "\"" + CollectionToken(id) + "\"")) + ") AND " + text);
        }

        command.AddParameter("$limit", limit);
        var hits = new List<(long, double)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // FTS5's bm25() is lower-is-better (negative); flip it so every score in WebChat is higher-is-better.
            hits.Add((reader.GetInt64(0), -reader.GetDouble(1)));
        }

        return hits;
    }

    /// <summary>
    /// The number of passages in the index, from FTS5's averages record (row 1 of its data table, which starts with the
    /// row count as a SQLite varint): one read, where count(*) would walk 100k rows.
    /// </summary>
    private static async Task<long> PassageCountAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT block FROM KnowledgeChunksFts_data WHERE id = 1";
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] record ? Varint(record) : 0;
    }

    /// <summary>Passages in the collections, from their documents' counts (a handful of rows, where the passages are thousands).</summary>
    private static async Task<long> CollectionPassagesAsync(DbConnection connection, IReadOnlyCollection<Guid> collectionIds, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var names = collectionIds.Select((_, i) => "$c" + i).ToList();
        command.CommandText = $"SELECT coalesce(sum(ChunkCount), 0) FROM KnowledgeDocuments WHERE CollectionId IN ({string.Join(",", names)})";
        foreach (var (name, id) in names.Zip(collectionIds))
        {
            command.AddParameter(name, id.ToString().ToUpperInvariant());
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The words without those in more than half of the passages. The index holds stems ("refer" for "reference"), so the
    /// words go through the same tokenizer in a per-connection temporary FTS5 table, and each stem's passage count comes
    /// from the fts5vocab view of the index. A word is dropped only when every stem it makes is common.
    /// </summary>
    private async Task<List<string>> DropCommonWordsAsync(DbConnection connection, List<string> words, long passages, CancellationToken cancellationToken)
    {
        var stems = await StemsAsync(connection, words, cancellationToken);
        var now = Environment.TickCount64;
        var unknown = stems.SelectMany(s => s).Distinct().Where(s => commonUntil.GetValueOrDefault(s) < now).ToList();
        if (unknown.Count > 0)
        {
            await using var command = connection.CreateCommand();
            var names = unknown.Select((_, i) => "$t" + i).ToList();
            command.CommandText = $"SELECT term FROM temp.KnowledgeIndexTerms WHERE term IN ({string.Join(",", names)}) AND doc * 2 > $passages";
            foreach (var (name, stem) in names.Zip(unknown))
            {
                command.AddParameter(name, stem);
            }

            command.AddParameter("$passages", passages);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                commonUntil[reader.GetString(0)] = now + (long)CommonFor.TotalMilliseconds;
            }
        }

        return words.Where((_, i) => stems[i].Count == 0 || stems[i].Any(s => commonUntil.GetValueOrDefault(s) < now)).ToList();
    }

    /// <summary>Each word's stems, as the index's tokenizer ('porter unicode61', as in the migration) makes them.</summary>
    private static async Task<List<List<string>>> StemsAsync(DbConnection connection, List<string> words, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var rows = words.Select((_, i) => $"({i}, $w{i})");
        command.CommandText = $"""
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.KnowledgeQuestionWords USING fts5(Word, tokenize='porter unicode61');
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.KnowledgeQuestionStems USING fts5vocab(temp, KnowledgeQuestionWords, instance);
            CREATE VIRTUAL TABLE IF NOT EXISTS temp.KnowledgeIndexTerms USING fts5vocab(main, KnowledgeChunksFts, row);
            DELETE FROM temp.KnowledgeQuestionWords;
            INSERT INTO temp.KnowledgeQuestionWords(rowid, Word) VALUES {string.Join(", ", rows)};
            SELECT doc, term FROM temp.KnowledgeQuestionStems;
            """;
        for (var i = 0; i < words.Count; i++)
        {
            command.AddParameter("$w" + i, words[i]);
        }

        var stems = words.Select(_ => new List<string>()).ToList();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            stems[(int)reader.GetInt64(0)].Add(reader.GetString(1));
        }

        return stems;
    }

    // SQLite's varint: big-endian groups of 7 bits, a set high bit meaning more follow; a ninth byte gives all 8 bits.
    private static long Varint(byte[] bytes)
    {
        long value = 0;
        for (var i = 0; i < bytes.Length && i < 9; i++)
        {
            if (i == 8)
            {
                return (value << 8) | bytes[i];
            }

            value = (value << 7) | (long)(bytes[i] & 0x7f);
            if ((bytes[i] & 0x80) == 0)
            {
                break;
            }
        }

        return value;
    }

}
