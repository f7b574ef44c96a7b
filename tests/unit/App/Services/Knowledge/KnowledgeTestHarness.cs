using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Knowledge;
using WebChat.Services.Knowledge.Embedding;
using WebChat.Services.Knowledge.Search;

namespace WebChat.Tests.Unit.App.Services.Knowledge;

/// <summary>
/// The knowledge services wired as in the app over a real SQLite file with the app's migrations (FTS5 included) and the
/// real embedded MiniLM embedder. Ingestion runs when a test calls <see cref="IngestAllAsync"/>, not in the background.
/// </summary>
public sealed class KnowledgeTestHarness : IAsyncDisposable
{
    /// <summary>One embedder for the whole test run: loading the ONNX model costs about a second.</summary>
    public static MiniLmEmbedder SharedEmbedder { get; } = new();

    public static readonly KnowledgeActor Alice = new("alice", IsAdmin: false);
    public static readonly KnowledgeActor Bob = new("bob", IsAdmin: false);
    public static readonly KnowledgeActor TeamAdmin = new("admin", IsAdmin: true);

    private readonly string folder = Path.Combine(Path.GetTempPath(), "webchat-knowledge-tests", Guid.NewGuid().ToString("N"));

    private KnowledgeTestHarness(KnowledgeOptions? options, IDbContextFactory<WebChatDbContext>? db, IReadOnlyList<ITextEmbedder>? moreEmbedders, Func<IDbContextFactory<WebChatDbContext>, IReadOnlyList<IEmbedderSource>>? sources = null)
    {
        Directory.CreateDirectory(folder);
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "knowledge.db"), Pooling = true }.ToString();
        Db = db ?? new Factory(new DbContextOptionsBuilder<WebChatDbContext>().UseSqlite(connection).Options);
        Options = Microsoft.Extensions.Options.Options.Create(options ?? new KnowledgeOptions());
        Embedders = new EmbedderCatalog([SharedEmbedder, .. moreEmbedders ?? []], sources?.Invoke(Db), Db);
        var embedders = Embedders;
        Vectors = new VectorIndex(Db);
        Search = new KnowledgeSearch(Db, Vectors, embedders);
        Ingestor = new KnowledgeIngestor(Db, embedders, Vectors, Options, Time, NullLogger<KnowledgeIngestor>.Instance);
        Queue = new IngestionQueue(Ingestor, Db, NullLogger<IngestionQueue>.Instance);
        Reindexer = new KnowledgeReindexer(Db, embedders, Vectors, Time, NullLogger<KnowledgeReindexer>.Instance);
        Service = new KnowledgeService(Db, Queue, Search, Vectors, embedders, Reindexer, Options, Time);
        Conversations = new ConversationKnowledge(Db, Service, Options);
    }

    public IDbContextFactory<WebChatDbContext> Db { get; }
    public EmbedderCatalog Embedders { get; }
    public IOptions<KnowledgeOptions> Options { get; }
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    public VectorIndex Vectors { get; }
    public KnowledgeSearch Search { get; }
    public KnowledgeIngestor Ingestor { get; }
    public IngestionQueue Queue { get; }

    /// <summary>Never started: a test re-embeds when it calls <see cref="KnowledgeReindexer.RunUntilDoneAsync"/>.</summary>
    public KnowledgeReindexer Reindexer { get; }
    public KnowledgeService Service { get; }
    public ConversationKnowledge Conversations { get; }

    /// <summary>A new empty chat of <paramref name="userId"/>.</summary>
    public async Task<Guid> NewConversationAsync(string userId)
    {
        await using var db = await Db.CreateDbContextAsync();
        var conversation = new Conversation { UserId = userId };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
        return conversation.Id;
    }

    /// <summary>
    /// The harness on another database (e.g. PostgreSQL's <see cref="PostgresDbFactory"/>), migrated here, with more
    /// embedders than the default one when a test moves collections between them.
    /// </summary>
    public static async Task<KnowledgeTestHarness> StartAsync(
        KnowledgeOptions? options = null,
        IDbContextFactory<WebChatDbContext>? database = null,
        IReadOnlyList<ITextEmbedder>? moreEmbedders = null,
        Func<IDbContextFactory<WebChatDbContext>, IReadOnlyList<IEmbedderSource>>? sources = null)
    {
        var harness = new KnowledgeTestHarness(options, database, moreEmbedders, sources);
        await using var db = await harness.Db.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        // Only the accounts not there yet: a database shared with the chat harness already has alice and bob.
        string[] ids = ["alice", "bob", "admin"];
        var existing = await db.Users.Where(u => ids.Contains(u.Id)).Select(u => u.Id).ToListAsync();
        db.Users.AddRange(ids.Except(existing).Select(id => new ApplicationUser { Id = id, UserName = id }));
        await db.SaveChangesAsync();
        return harness;
    }

    /// <summary>A second server on the database of <paramref name="other"/> (already migrated), with the default embedder only, or with <paramref name="sources"/>.</summary>
    public static Task<KnowledgeTestHarness> StartOnAsync(KnowledgeTestHarness other, Func<IDbContextFactory<WebChatDbContext>, IReadOnlyList<IEmbedderSource>>? sources = null) =>
        Task.FromResult(new KnowledgeTestHarness(null, other.Db, null, sources));

    /// <summary>Ingests every queued document now, in the order added, as the background queue would.</summary>
    public async Task<IReadOnlyList<IngestionProgress>> IngestAllAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await Db.CreateDbContextAsync(cancellationToken);
        var queued = await db.KnowledgeDocuments.Where(d => d.Status == IngestionStatus.Queued).OrderBy(d => d.CreatedAt).Select(d => d.Id).ToListAsync(cancellationToken);
        var results = new List<IngestionProgress>();
        foreach (var id in queued)
        {
            results.Add(await Ingestor.IngestAsync(id, cancellationToken: cancellationToken));
        }

        return results;
    }

    public async ValueTask DisposeAsync()
    {
        Queue.Dispose();
        Reindexer.Dispose();
        SqliteConnection.ClearAllPools();
        await Task.Yield();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection: the temporary folder is cleaned by the system later.
        }
    }

    private sealed class Factory(DbContextOptions<WebChatDbContext> options) : IDbContextFactory<WebChatDbContext>
    {
        public WebChatDbContext CreateDbContext() => new(options);
    }
}
