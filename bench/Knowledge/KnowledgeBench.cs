using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Knowledge.Search;

namespace WebChat.Bench.Knowledge;

/// <summary>
/// Documents end to end on a real SQLite file with the embedded MiniLM embedder: ingestion (parse, chunk, embed, store
/// with the FTS5 triggers) in passages/s against the bare embedder on the same passages, and query latency of hybrid
/// search against keyword search alone (its BM25 half) on the same index, all in one run.
/// </summary>
public static class KnowledgeBench
{
    public const string Command = "knowledge";


    public static async Task<int> RunAsync(string resultsDirectory, string[] args)
    {
        var pages = Option(args, "--pages", 1000);
        var queries = Option(args, "--queries", 200);
        var outIndex = Array.IndexOf(args, "--out");
        var name = outIndex >= 0 && outIndex + 1 < args.Length ? args[outIndex + 1] : "knowledge";
        var index = Array.IndexOf(args, "--scales");
        var scales = (index >= 0 && index + 1 < args.Length ? args[index + 1] : "10000,100000")
            .Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
        var folder = Path.Combine(Path.GetTempPath(), "webchat-bench-knowledge-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var services = await Services.StartAsync(folder);
            var documents = Corpus(pages);

            // Baseline: the embedder alone over the passages the ingestor will make (one per page here), in the same batches.
            var passages = documents.SelectMany(d => d.Sections).ToList();
            await services.Embedder.EmbedAsync(["warm up"]);
            var bare = Stopwatch.StartNew();
            foreach (var batch in passages.Chunk(32))
            {
                await services.Embedder.EmbedAsync(batch);
            }

            var bareSeconds = bare.Elapsed.TotalSeconds;

            var actor = new KnowledgeActor("bench", IsAdmin: false);
            var collection = await services.Knowledge.CreateAsync(actor, "bench", CollectionScope.Private);
            var ingest = Stopwatch.StartNew();
            var chunks = 0;
            foreach (var document in documents)
            {
                var added = await services.Knowledge.AddDocumentAsync(actor, collection.Id, document.Name, Encoding.UTF8.GetBytes(document.Markdown));
                chunks += (await services.Ingestor.IngestAsync(added.Id)).ChunksTotal;
            }

            var ingestSeconds = ingest.Elapsed.TotalSeconds;

            var questions = Enumerable.Range(0, queries).Select(i => Question(i, pages)).ToList();
            var hybrid = await TimeQueriesAsync(services, collection.Id, questions, SearchMode.Hybrid);
            var keyword = await TimeQueriesAsync(services, collection.Id, questions, SearchMode.Keyword);
            var peakAfterIngestion = Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024);
            var scaled = new List<KnowledgeScale.Result>();
            foreach (var size in scales)
            {
                scaled.Add(await KnowledgeScale.RunAsync(services.Db, services.Knowledge, services.Search, services.Vectors, services.Embedder, size, queries));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{size} passages: {scaled[^1]}"));
            }

            var result = new Result(
                pages, chunks,
                Math.Round(chunks / ingestSeconds, 1), Math.Round(passages.Count / bareSeconds, 1), Math.Round(chunks / ingestSeconds / (passages.Count / bareSeconds), 2),
                queries, hybrid.P50, hybrid.P95, keyword.P50, keyword.P95, Math.Round(hybrid.P95 / keyword.P95, 2),
                peakAfterIngestion, scaled, Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024), Environment.ProcessorCount);

            var table = Markdown(result);
            await BenchResults.WriteAsync(resultsDirectory, name, result, table);
            Console.WriteLine(table);
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(double P50, double P95)> TimeQueriesAsync(Services services, Guid collectionId, List<string> questions, SearchMode mode)
    {
        await services.Search.SearchAsync([collectionId], questions[0], 5, mode); // loads the vector cache
        var times = new List<double>();
        foreach (var question in questions)
        {
            var watch = Stopwatch.StartNew();
            await services.Search.SearchAsync([collectionId], question, 5, mode);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return (Math.Round(times[times.Count / 2], 2), Math.Round(times[(int)(times.Count * 0.95)], 2));
    }

    // Deterministic documents of ten pages (sections) each, sharing a vocabulary, each page with its own code and number.
    private static List<(string Name, string Markdown, List<string> Sections)> Corpus(int pages)
    {
        string[] words = ["invoice", "shipment", "warehouse", "contract", "supplier", "budget", "audit", "team", "policy", "travel",
            "server", "backup", "license", "customer", "refund", "schedule", "quarter", "report", "meeting", "office"];
        var random = new Random(42);
        var documents = new List<(string, string, List<string>)>();
        for (var d = 0; d * 10 < pages; d++)
        {
            var text = new StringBuilder();
            var sections = new List<string>();
            for (var p = 0; p < 10 && d * 10 + p < pages; p++)
            {
                var page = d * 10 + p;
                var body = string.Join(' ', Enumerable.Range(0, 70).Select(_ => words[random.Next(words.Length)]))
                    + string.Create(CultureInfo.InvariantCulture, $". The reference code is KX-{page:D5} and the amount is {page * 37 % 9973} euros.");
                text.Append(CultureInfo.InvariantCulture, $"## Section {page}\n\n{body}\n\n");
                sections.Add(body);
            }

            documents.Add(($"doc-{d:D4}.md", text.ToString(), sections));
        }

        return documents;
    }

    private static string Question(int i, int pages) => i % 2 == 0
        ? string.Create(CultureInfo.InvariantCulture, $"Which amount goes with reference KX-{i * 7919 % pages:D5}?")
        : "What does the travel policy say about refunds for the supplier contract?";

    private static int Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string Markdown(Result r) => string.Create(CultureInfo.InvariantCulture, $"""
        # Knowledge: ingestion and query latency (SQLite FTS5 + in-memory vectors, embedded all-MiniLM-L6-v2)

        {r.Pages} generated Markdown pages (100 words each) in {r.Chunks} passages; {r.Queries} queries (half exact codes, half words).

        | measure | value | baseline in the same run | ratio |
        |---|---|---|---|
        | ingestion, passages/s (parse, chunk, embed, store) | {r.IngestChunksPerSecond} | bare embedder {r.BareEmbedChunksPerSecond} | {r.IngestToBareRatio} |
        | query p50 ms, hybrid | {r.HybridP50Ms} | keyword alone {r.KeywordP50Ms} | |
        | query p95 ms, hybrid | {r.HybridP95Ms} | keyword alone {r.KeywordP95Ms} | {r.HybridToKeywordP95Ratio} |
        | peak RSS MiB | {r.PeakRssAfterIngestionMiB} | | |

        Query latency at scale ({r.Queries} queries per size, top 5; passages generated into the database with random unit
        vectors, text from a Zipf vocabulary of 20,000 words; goal: hybrid p95 ≤ 50 ms at 100k), {r.Processors} cores:

        | passages | hybrid p50 / p95 ms | keyword alone p50 / p95 | vector alone p50 / p95 (question embedded) | vector scan alone p50 / p95 (top 50) | bare FTS5, all words, no filter: p50 / p95 | keyword, 1,000-passage collection in the same index, p50 / p95 | vectors in memory MiB |
        |---|---|---|---|---|---|---|---|
        {string.Join("\n", r.Scales.Select(x => string.Create(CultureInfo.InvariantCulture, $"| {x.Passages:N0} | {x.Hybrid.P50} / {x.Hybrid.P95} | {x.Keyword.P50} / {x.Keyword.P95} | {x.Vector.P50} / {x.Vector.P95} | {x.Scan.P50} / {x.Scan.P95} | {x.BareFts.P50} / {x.BareFts.P95} | {x.SmallKeyword.P50} / {x.SmallKeyword.P95} | {x.VectorMiB} |")))}

        Bare FTS5 (the baseline in the same run): the question's words OR-ed, `MATCH … ORDER BY rank LIMIT 20` over the whole
        index, no collection filter and no word dropped: what ranking every passage holding any question word costs.

        Peak RSS of the whole run (1,000 ingested pages and every size above, with the MiniLM model loaded): {r.PeakRssMiB} MiB.

        """);

    private sealed record Result(
        int Pages, int Chunks, double IngestChunksPerSecond, double BareEmbedChunksPerSecond, double IngestToBareRatio,
        int Queries, double HybridP50Ms, double HybridP95Ms, double KeywordP50Ms, double KeywordP95Ms, double HybridToKeywordP95Ratio, long PeakRssAfterIngestionMiB,
        IReadOnlyList<KnowledgeScale.Result> Scales, long PeakRssMiB, int Processors);

    /// <summary>The knowledge services wired as the app wires them, over a SQLite file with the app's migrations.</summary>
    private sealed record Services(MiniLmEmbedder Embedder, KnowledgeService Knowledge, KnowledgeIngestor Ingestor, KnowledgeSearch Search, IDbContextFactory<WebChatDbContext> Db, VectorIndex Vectors)
    {
        public static async Task<Services> StartAsync(string folder)
        {
            var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "knowledge.db"), Pooling = true }.ToString();
            IDbContextFactory<WebChatDbContext> db = new Factory(new DbContextOptionsBuilder<WebChatDbContext>().UseSqlite(connection).Options);
            await using (var context = await db.CreateDbContextAsync())
            {
                await context.Database.MigrateAsync();
                context.Users.Add(new ApplicationUser { Id = "bench", UserName = "bench" });
                await context.SaveChangesAsync();
            }

            var options = Options.Create(new KnowledgeOptions { StoragePerUserMegabytes = 100_000 });
            var embedder = new MiniLmEmbedder();
            var embedders = new EmbedderCatalog([embedder]);
            var vectors = new VectorIndex(db);
            var search = new KnowledgeSearch(db, vectors, embedders);
            var ingestor = new KnowledgeIngestor(db, embedders, vectors, options, TimeProvider.System, NullLogger<KnowledgeIngestor>.Instance);
            var queue = new IngestionQueue(ingestor, db, NullLogger<IngestionQueue>.Instance); // never started: the bench ingests in order itself
            var reindexer = new KnowledgeReindexer(db, embedders, vectors, TimeProvider.System, NullLogger<KnowledgeReindexer>.Instance); // never started
            return new Services(embedder, new KnowledgeService(db, queue, search, vectors, embedders, reindexer, options, TimeProvider.System), ingestor, search, db, vectors);
        }
    }

    private sealed class Factory(DbContextOptions<WebChatDbContext> options) : IDbContextFactory<WebChatDbContext>
    {
        public WebChatDbContext CreateDbContext() => new(options);
    }
}
