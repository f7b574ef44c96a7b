using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using WebChat.Data.Entities;

namespace WebChat.Data;

/// <summary>
/// The one database: Identity's tables and the product's (chats, models, downloads, usage, settings), and on PostgreSQL
/// the Data Protection key ring that every node shares.
/// </summary>
public class WebChatDbContext : IdentityDbContext<ApplicationUser>, IDataProtectionKeyContext
{
    public WebChatDbContext(DbContextOptions<WebChatDbContext> options)
        : base(options)
    {
    }

    /// <summary>For <see cref="PostgresWebChatDbContext"/>: the same model, its own migrations.</summary>
    protected WebChatDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>The node this context works for (WebChat:NodeName): its downloads and model copies are recorded under it.</summary>
    public string Node { get; init; } = Environment.MachineName;

    public DbSet<Conversation> Conversations => Set<Conversation>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<InstalledModel> InstalledModels => Set<InstalledModel>();
    public DbSet<ModelCopy> ModelCopies => Set<ModelCopy>();
    public DbSet<Download> Downloads => Set<Download>();
    public DbSet<UsageRecord> UsageRecords => Set<UsageRecord>();
    public DbSet<UserSettings> UserSettings => Set<UserSettings>();
    public DbSet<AppSetting> AppSettings => Set<AppSetting>();
    public DbSet<SecurityEvent> SecurityEvents => Set<SecurityEvent>();
    public DbSet<UserEngineShare> UserEngineShares => Set<UserEngineShare>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<UserQuota> UserQuotas => Set<UserQuota>();
    public DbSet<Preset> Presets => Set<Preset>();
    public DbSet<PresetChoice> PresetChoices => Set<PresetChoice>();
    public DbSet<RemoteEngine> RemoteEngines => Set<RemoteEngine>();
    public DbSet<RemoteModelSetting> RemoteModelSettings => Set<RemoteModelSetting>();
    public DbSet<KnowledgeCollection> KnowledgeCollections => Set<KnowledgeCollection>();
    public DbSet<KnowledgeDocument> KnowledgeDocuments => Set<KnowledgeDocument>();
    public DbSet<KnowledgeUpload> KnowledgeUploads => Set<KnowledgeUpload>();
    public DbSet<KnowledgeChunk> KnowledgeChunks => Set<KnowledgeChunk>();
    public DbSet<ConversationCollection> ConversationCollections => Set<ConversationCollection>();
    public DbSet<MessageCitation> MessageCitations => Set<MessageCitation>();

    /// <summary>The Data Protection key ring when several nodes share it (Database:Provider Postgres); empty on SQLite.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(WebChatDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite keeps no time zone: every DateTime is stored as UTC and read back marked as UTC (PostgreSQL's
        // timestamptz accepts only UTC, so the same conversion serves both).
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        value => value.Kind == DateTimeKind.Utc ? value : value.ToUniversalTime(),
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
