using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Downloads;
using WebChat.Services.Accounts;
using WebChat.Services.ApiKeys;
using WebChat.Services.Chat;
using WebChat.Services.Knowledge;
using WebChat.Services.Serving.Engines;
using WebChat.Tests.Unit.App.Services.Chat;
using WebChat.Tests.Unit.App.Services.Knowledge;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>
/// A SQLite database filled the way the app fills it, with at least one row in every table of the model: accounts
/// through Identity and registration, a chat through the generation service, knowledge through ingestion (MiniLM
/// vectors), API keys and settings through their services. Tables no service in this test's reach writes (models,
/// downloads, quotas, presets, remote engines, security events, the key ring) get rows through the context, shaped as
/// the app writes them.
/// </summary>
internal static class AppMadeDatabase
{
    public const string Password = "Passw0rd!";
    public const string Passage = "The vault combination is 73-19-44.";
    public const string EngineKey = "sk-gpu-box-7731";

    /// <summary>Fills <paramref name="app"/>'s database; returns the registered (first, so admin) user.</summary>
    public static async Task<ApplicationUser> FillAsync(AppServicesHost app)
    {
        var db = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        var user = await AccountsAsync(app);

        Guid conversationId;
        await using (var chat = await ChatTestHarness.StartAsync(database: db))
        {
            chat.Engine.Script = _ => ["Forty", "-two."];
            conversationId = (await chat.Generations.SendAsync(user.Id, null, "What is the answer?")).ConversationId;
            await chat.WaitForAnswerAsync(conversationId);
        }

        await KnowledgeAsync(db, conversationId);
        await ActivatorUtilities.CreateInstance<ApiKeyService>(app.Services, TimeProvider.System).CreateAsync(user.Id, "laptop");
        await new SettingsService(db).SaveAsync(user.Id, new ChatSettings("Answer briefly.", 0.5f, 0.9f, 256, "tiny"));
        // Encrypted as Admin › Engines does, with the app's key ring (the host must add Data Protection).
        var engineKey = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(RemoteEngines.ApiKeyPurpose).Protect(EngineKey);
        await DirectRowsAsync(db, user.Id, engineKey);
        return user;
    }

    private static async Task<ApplicationUser> AccountsAsync(AppServicesHost app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var registered = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync("dana@example.test", Password);
        var user = registered.User ?? throw new InvalidOperationException(string.Join(" ", registered.Errors));
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Check(await users.AddClaimAsync(user, new Claim("team", "blue")));
        Check(await users.AddLoginAsync(user, new UserLoginInfo("oidc", "dana-subject", "Company sign-in")));
        Check(await users.SetAuthenticationTokenAsync(user, "oidc", "refresh_token", "r-123"));
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        var admin = await roles.FindByNameAsync(Roles.Admin) ?? throw new InvalidOperationException("No Admin role.");
        Check(await roles.AddClaimAsync(admin, new Claim("permission", "models")));
        return user;
    }

    private static async Task KnowledgeAsync(IDbContextFactory<WebChatDbContext> db, Guid conversationId)
    {
        // The harness adds its own accounts (alice, bob, admin) and wires the knowledge services on this database.
        await using var knowledge = await KnowledgeTestHarness.StartAsync(database: db);
        var actor = KnowledgeTestHarness.Alice;
        await using (var context = await db.CreateDbContextAsync())
        {
            // Alice owns the chat the collection is picked for.
            var conversation = await context.Conversations.SingleAsync(c => c.Id == conversationId);
            conversation.UserId = actor.UserId;
            await context.SaveChangesAsync();
        }

        var collection = await knowledge.Service.CreateAsync(actor, "Notes", CollectionScope.Private, "Vault notes");
        var document = await knowledge.Service.AddDocumentAsync(actor, collection.Id, "notes.md", Encoding.UTF8.GetBytes("# Vault\n\n" + Passage));
        await knowledge.IngestAllAsync();
        // A second document left queued keeps its upload row, as one waiting for ingestion does.
        await knowledge.Service.AddDocumentAsync(actor, collection.Id, "later.txt", Encoding.UTF8.GetBytes("Read this later."));
        await knowledge.Conversations.PickAsync(actor, conversationId, [collection.Id]);
        var answer = await AnswerIdAsync(db, conversationId);
        await knowledge.Conversations.SaveCitationsAsync(answer, [new Citation(1, document.Id, "notes.md", null, "Vault", Passage)]);
    }

    private static async Task<Guid> AnswerIdAsync(IDbContextFactory<WebChatDbContext> db, Guid conversationId)
    {
        await using var context = await db.CreateDbContextAsync();
        return await context.Messages.Where(m => m.ConversationId == conversationId && m.Role == MessageRole.Assistant).Select(m => m.Id).SingleAsync();
    }

    private static async Task DirectRowsAsync(IDbContextFactory<WebChatDbContext> db, string userId, string engineKey)
    {
        await using var context = await db.CreateDbContextAsync();
        var at = new DateTime(2026, 12, 6, 9, 30, 15, DateTimeKind.Utc).AddTicks(1234567);
        var preset = new Preset { Name = "Brief", BaseModelId = "tiny", SystemPrompt = "Be brief.", Temperature = 0.3f, CreatedAt = at };
        context.Presets.Add(preset);
        context.PresetChoices.Add(new PresetChoice { UserId = userId, PresetId = preset.Id });
        context.InstalledModels.Add(new InstalledModel
        {
            Id = "tiny", Repo = "acme/tiny-GGUF", Revision = "main", FileName = "tiny.gguf", RelativePath = "acme/tiny.gguf", Sha256 = new string('a', 64),
            SizeBytes = 123_456_789_012, Architecture = "llama", ParameterCount = 1_100_000_000, Quantization = "Q4_K_M", ContextLength = 4096,
            Source = ModelSource.Hub, InstalledAt = at, DisplayName = "Tiny", UserSelectable = true, ReasoningTag = "think",
            Copies = [new ModelCopy { ModelId = "tiny", Node = context.Node, CopiedAt = at }],
        });
        context.Downloads.Add(new Download
        {
            Repo = "acme/tiny-GGUF", Revision = "main", FileName = "tiny.gguf", State = DownloadState.Completed, BytesDone = 123_456_789_012,
            TotalBytes = 123_456_789_012, StartedAt = at, FinishedAt = at.AddMinutes(3), RequestedByUserId = userId, Node = context.Node,
        });
        context.UserQuotas.Add(new UserQuota { UserId = userId, RequestsPerMinute = 10, TokensPerDay = 5_000_000_000, ConcurrentRequests = 2 });
        context.UserEngineShares.Add(new UserEngineShare { UserId = userId, MaxRunning = 2, MaxQueued = 5 });
        context.RemoteEngines.Add(new RemoteEngine { Name = "GPU box", BaseUrl = "http://10.0.0.5:8080/v1", Kind = "OpenAI", ProtectedApiKey = engineKey, CreatedAt = at });
        // A key encrypted by another machine's key ring (a data folder moved without its keys): no one can read it.
        context.RemoteEngines.Add(new RemoteEngine { Name = "Old box", BaseUrl = "http://10.0.0.6:8080/v1", Kind = "OpenAI", ProtectedApiKey = "CfDJ8protected", CreatedAt = at });
        context.RemoteModelSettings.Add(new RemoteModelSetting { ModelName = "GPU box/llama-70b", DisplayName = "Llama 70B", UserSelectable = true });
        context.AppSettings.Add(new AppSetting { Key = "Registration:Mode", Value = "Approval" });
        context.SecurityEvents.Add(new SecurityEvent { Kind = "SignInFailed", Account = "dana@example.test", ClientAddress = "127.0.0.1", At = at });
        // SQLite keeps the key ring in files; the table exists in its model and is copied like any other.
        context.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "key-1", Xml = "<key id=\"1\" version=\"1\" />" });
        await context.SaveChangesAsync();
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
