using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Knowledge.Search;

namespace WebChat.Bench.Knowledge;

/// <summary>
/// Query latency at a size no embedder on two cores could ingest in a bench run (100k passages take the MiniLM about
/// an hour): passages are generated straight into the database, text through the FTS5 triggers as ingestion writes it,
/// with random unit vectors. A vector scan costs the same whatever the vectors hold; keyword search does depend on
/// the text, so it is drawn from a Zipf-distributed vocabulary of 20,000 words, as natural text is. Questions draw their
/// words from the same distribution without its 50 most frequent words, which in real text are the stop words that
/// <see cref="KeywordIndex"/> drops.
/// </summary>
internal static class KnowledgeScale
{
    private const int Vocabulary = 20_000;
    private const int CommonWords = 50;
    private const int WordsPerPassage = 100;
    private const int PassagesPerDocument = 1000;

    public sealed record Timing(double P50, double P95);

    /// <summary>A chat's own files: one small collection searched while the large one fills the index.</summary>
    private const int SmallCollection = 1000;

    /// <summary>
    /// One size: hybrid (as a chat asks), each half alone, and the bare in-memory vector scan (query vector given); bare
    /// FTS5 as the keyword baseline (the question's words OR-ed, MATCH … ORDER BY rank LIMIT 20 over the whole index, no
    /// collection filter, no word dropped); and keyword search of a 1,000-passage collection in the same index.
    /// </summary>
    public sealed record Result(int Passages, double GenerateSeconds, Timing Hybrid, Timing Keyword, Timing Vector, Timing Scan, Timing BareFts, Timing SmallKeyword, long VectorMiB);

    public static async Task<Result> RunAsync(IDbContextFactory<WebChatDbContext> db, KnowledgeService knowledge, KnowledgeSearch search, VectorIndex vectors, ITextEmbedder embedder, int passages, int queries)
    {
        var actor = new KnowledgeActor("bench", IsAdmin: false);
        var collection = await knowledge.CreateAsync(actor, "scale-" + passages.ToString(CultureInfo.InvariantCulture), CollectionScope.Private);
        var words = new Zipf(Vocabulary, seed: passages);
        var generate = Stopwatch.StartNew();
        await GenerateAsync(db, collection.Id, embedder, 0, passages, words);
        var generateSeconds = generate.Elapsed.TotalSeconds;

        var questions = Enumerable.Range(0, queries).Select(i => i % 2 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"Which amount goes with reference KX-{(long)i * 7919 % passages:D6}?")
            : "What does " + string.Join(' ', Enumerable.Range(0, 5).Select(_ => words.NextUncommon(CommonWords))) + " mean for us?").ToList();
        Guid[] ids = [collection.Id];
        var hybrid = await TimeAsync(questions, q => search.SearchAsync(ids, q, 5, SearchMode.Hybrid));
        var keyword = await TimeAsync(questions, q => search.SearchAsync(ids, q, 5, SearchMode.Keyword));
        var vector = await TimeAsync(questions, q => search.SearchAsync(ids, q, 5, SearchMode.Vector));
        var queryVectors = await embedder.EmbedAsync(questions);
        var next = 0;
        var scan = await TimeAsync(questions, _ => vectors.SearchAsync(ids, embedder.Name, queryVectors[next++ % queryVectors.Length], KnowledgeSearch.CandidateDepth));
        var vectorMiB = vectors.LoadedVectors * embedder.Dimensions * sizeof(float) / (1024 * 1024);
        var bareFts = await BareFtsAsync(db, questions);

        var small = await knowledge.CreateAsync(actor, "small-" + passages.ToString(CultureInfo.InvariantCulture), CollectionScope.Private);
        await GenerateAsync(db, small.Id, embedder, passages, SmallCollection, words);
        var smallQuestions = Enumerable.Range(0, queries).Select(i => i % 2 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"Which amount goes with reference KX-{passages + (long)i * 7919 % SmallCollection:D6}?")
            : questions[i]).ToList();
        var smallKeyword = await TimeAsync(smallQuestions, q => search.SearchAsync([small.Id], q, 5, SearchMode.Keyword));
        await knowledge.DeleteCollectionAsync(actor, small.Id);
        await knowledge.DeleteCollectionAsync(actor, collection.Id);
        return new Result(passages, Math.Round(generateSeconds, 1), hybrid, keyword, vector, scan, bareFts, smallKeyword, vectorMiB);
    }

    private static async Task<Timing> TimeAsync<T>(IReadOnlyList<string> questions, Func<string, Task<T>> query)
    {
        await query(questions[0]); // loads the collection's vectors, warms the FTS pages
        var times = new List<double>(questions.Count);
        foreach (var question in questions)
        {
            var watch = Stopwatch.StartNew();
            await query(question);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return new Timing(Math.Round(times[times.Count / 2], 2), Math.Round(times[(int)(times.Count * 0.95)], 2));
    }

    /// <summary>What bare FTS5 costs for these questions: their words OR-ed, ranked over the whole index, top 20.</summary>
    private static async Task<Timing> BareFtsAsync(IDbContextFactory<WebChatDbContext> dbFactory, IReadOnlyList<string> questions)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid FROM KnowledgeChunksFts WHERE KnowledgeChunksFts MATCH $match ORDER BY rank LIMIT 20";
        var match = command.Parameters.Add(new SqliteParameter { ParameterName = "$match" });
        return await TimeAsync(questions, async q =>
        {
            match.Value = string.Join(" OR ", KeywordIndex.QueryWords(q).Select(w => "\"" + w + "\""));
            await using var reader = await command.ExecuteReaderAsync();
            var rows = 0;
            while (await reader.ReadAsync())
            {
                rows++;
            }

            return rows;
        });
    }

    /// <summary>Documents of 1,000 passages each, written in one transaction with prepared statements (the FTS triggers fire per row).</summary>
    private static async Task GenerateAsync(IDbContextFactory<WebChatDbContext> dbFactory, Guid collectionId, ITextEmbedder embedder, int first, int passages, Zipf words)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync();
        var random = new Random(passages);
        var vector = new float[embedder.Dimensions];
        var text = new StringBuilder();
        await using var addDocument = Command(connection, transaction, """
            INSERT INTO KnowledgeDocuments (Id, CollectionId, FileName, SizeBytes, Sha256, UploadedById, Status, ChunkCount, CreatedAt)
            VALUES ($id, $collection, $name, 0, '', 'bench', 'Ready', $chunks, '2026-12-07 00:00:00')
            """, "$id", "$collection", "$name", "$chunks");
        await using var addChunk = Command(connection, transaction, """
            INSERT INTO KnowledgeChunks (DocumentId, CollectionId, Ordinal, Text, Heading, Tokens, Vector, Embedder)
            VALUES ($document, $collection, $ordinal, $text, $heading, $tokens, $vector, $embedder)
            """, "$document", "$collection", "$ordinal", "$text", "$heading", "$tokens", "$vector", "$embedder");
        var collection = collectionId.ToString().ToUpperInvariant(); // as EF Core stores a Guid in SQLite
        var document = "";
        for (var i = first; i < first + passages; i++)
        {
            if ((i - first) % PassagesPerDocument == 0)
            {
                document = Guid.NewGuid().ToString().ToUpperInvariant();
                Run(addDocument, document, collection, $"generated-{i / PassagesPerDocument:D4}.md", Math.Min(PassagesPerDocument, first + passages - i));
            }

            text.Clear();
            for (var w = 0; w < WordsPerPassage; w++)
            {
                text.Append(words.Next()).Append(' ');
            }

            text.Append(CultureInfo.InvariantCulture, $". The reference code is KX-{i:D6} and the amount is {i * 37L % 9973} euros.");
            for (var d = 0; d < vector.Length; d++)
            {
                vector[d] = (float)(random.NextDouble() * 2 - 1);
            }

            TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
            Run(addChunk, document, collection, (i - first) % PassagesPerDocument, text.ToString(), $"Section {i}", WordsPerPassage + 16, VectorCodec.ToBytes(vector), embedder.Name);
        }

        await transaction.CommitAsync();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        command.ExecuteNonQuery();
    }

    /// <summary>Made-up words ("w123" spelled as letters) drawn with probability ∝ 1/rank, by inverting the cumulative sum.</summary>
    private sealed class Zipf(int size, int seed)
    {
        private readonly Random random = new(seed);
        private readonly double[] cumulative = Cumulative(size);
        private readonly string[] spelled = Enumerable.Range(0, size).Select(Spell).ToArray();

        public string Next() => spelled[Rank(random.NextDouble())];

        /// <summary>A word from the same distribution with the <paramref name="skip"/> most frequent left out.</summary>
        public string NextUncommon(int skip)
        {
            var low = cumulative[skip - 1];
            return spelled[Rank(low + random.NextDouble() * (1 - low))];
        }

        private int Rank(double u)
        {
            var index = Array.BinarySearch(cumulative, u);
            return Math.Min(index < 0 ? ~index : index, size - 1);
        }

        private static double[] Cumulative(int size)
        {
            var sums = new double[size];
            var total = 0.0;
            for (var r = 0; r < size; r++)
            {
                total += 1.0 / (r + 1);
                sums[r] = total;
            }

            for (var r = 0; r < size; r++)
            {
                sums[r] /= total;
            }

            return sums;
        }

        // Letters only, so FTS5's tokenizer and the Porter stemmer see one plain word: 0 → "ba", 1 → "be", ...
        private static string Spell(int rank)
        {
            const string consonants = "bcdfghjklmnprstvz";
            const string vowels = "aeiou";
            var word = new StringBuilder();
            var n = rank;
            do
            {
                word.Append(consonants[n % consonants.Length]).Append(vowels[n / consonants.Length % vowels.Length]);
                n /= consonants.Length * vowels.Length;
            }
            while (n > 0);
            return word.ToString();
        }
    }
}
