using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Chat;
using WebChat.Services.Quotas;
using WebChat.Tests.Support.Chat;

namespace WebChat.Tests.Unit.App.Services.Chat;

/// <summary>
/// The chat services wired as in the app over a real SQLite file with the app's migrations, and the
/// scripted engine test double in place of LLamaSharp.
/// </summary>
public sealed class ChatTestHarness : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "webchat-chat-tests", Guid.NewGuid().ToString("N"));

    public ChatTestHarness(ChatOptions? options = null, int busyTimeoutSeconds = 30, IDbContextFactory<WebChatDbContext>? db = null)
    {
        Directory.CreateDirectory(_folder);
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(_folder, "chat.db"), Pooling = false, DefaultTimeout = busyTimeoutSeconds }.ToString();
        Db = db ?? new Factory(new DbContextOptionsBuilder<WebChatDbContext>().UseSqlite(connection).Options);
        Options = Microsoft.Extensions.Options.Options.Create(options ?? new ChatOptions());
        Registry = new GenerationRegistry();
        Settings = new SettingsService(Db);
        Usage = new UsageWriter(Db, Time);
        Runner = new GenerationRunner(Db, Engine, Registry, Usage, Options, Time, NullLogger<GenerationRunner>.Instance);
        Quotas = new QuotaService(Db, Time);
        Generations = new GenerationService(Db, Runner, Settings, Engine, Options, Time, Quotas);
        Conversations = new ConversationService(Db, Registry);
        Transfer = new ConversationTransfer(Db, Conversations, Options, Time);
    }

    public IDbContextFactory<WebChatDbContext> Db { get; }

    /// <summary>The database file, for tests that hold a lock on it from a connection of their own.</summary>
    public string DatabasePath => Path.Combine(_folder, "chat.db");
    public IOptions<ChatOptions> Options { get; }
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    public ScriptedInferenceEngine Engine { get; } = new();
    public GenerationRegistry Registry { get; }
    public QuotaService Quotas { get; }
    public SettingsService Settings { get; }
    public UsageWriter Usage { get; }
    public GenerationRunner Runner { get; }
    public GenerationService Generations { get; }
    public ConversationService Conversations { get; }
    public ConversationTransfer Transfer { get; }

    /// <summary>The harness on another database (e.g. PostgreSQL's <see cref="PostgresDbFactory"/>), migrated here.</summary>
    public static Task<ChatTestHarness> StartAsync(IDbContextFactory<WebChatDbContext> db) => StartAsync(null, 30, database: db);

    public static async Task<ChatTestHarness> StartAsync(ChatOptions? options = null, int busyTimeoutSeconds = 30, IDbContextFactory<WebChatDbContext>? database = null)
    {
        var harness = new ChatTestHarness(options, busyTimeoutSeconds, database);
        await using var db = await harness.Db.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        db.Users.AddRange(
            new ApplicationUser { Id = "alice", UserName = "alice" },
            new ApplicationUser { Id = "bob", UserName = "bob" });
        await db.SaveChangesAsync();
        return harness;
    }

    /// <summary>Waits until the answer being written in the conversation is stored in its final state.</summary>
    public async Task WaitForAnswerAsync(Guid conversationId)
    {
        if (Registry.Find(conversationId) is { } generation)
        {
            await generation.Finished.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    public async Task<List<Message>> MessagesAsync(Guid conversationId)
    {
        await using var db = await Db.CreateDbContextAsync();
        return await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.Sequence).ToListAsync();
    }

    public async Task<List<UsageRecord>> UsageAsync()
    {
        await using var db = await Db.CreateDbContextAsync();
        return await db.UsageRecords.AsNoTracking().OrderBy(u => u.Id).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in (await ConversationIdsAsync()))
        {
            Registry.Find(id)?.Stop();
            await WaitForAnswerAsync(id);
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private async Task<List<Guid>> ConversationIdsAsync()
    {
        await using var db = await Db.CreateDbContextAsync();
        return await db.Conversations.Select(c => c.Id).ToListAsync();
    }

    private sealed class Factory(DbContextOptions<WebChatDbContext> options) : IDbContextFactory<WebChatDbContext>
    {
        public WebChatDbContext CreateDbContext() => new(options);
    }
}
