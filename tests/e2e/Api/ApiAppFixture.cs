using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.ApiKeys;
using WebChat.Tests.E2E.Infrastructure;
using WebChat.Tests.Support.Chat;

namespace WebChat.Tests.E2E.Api;

/// <summary>
/// The real app on Kestrel with the scripted engine (test double: fixed tokens at a set pace) serving an installed
/// model "local/scripted.gguf", plus helpers to make users and API keys. The real engine is used by RealModelApiTests.
/// </summary>
public class ApiAppFixture : WebChatAppFixture, IAsyncLifetime
{
    public const string ModelId = "local/scripted.gguf";
    public const string ScrapeToken = "scrape-token-for-tests";

    public ScriptedInferenceEngine Engine { get; } = new();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["WebChat:Metrics:ScrapeToken"] = ScrapeToken,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<IInferenceEngine>();
            services.AddSingleton<IInferenceEngine>(Engine);
        });

    public new async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var modelsDirectory = Services.GetRequiredService<IOptions<WebChatOptions>>().Value.ModelsDirectory;
        var dbFactory = Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        db.InstalledModels.Add(new InstalledModel
        {
            Id = ModelId,
            FileName = "scripted.gguf",
            RelativePath = "local/scripted.gguf",
            SizeBytes = 1,
            Source = ModelSource.Import,
            UserSelectable = true, // the API offers what the chat offers: an admin chose this one for users
        });
        await db.SaveChangesAsync();
        ResetEngine();
        Engine.SetStatus(new EngineStatus(EngineState.Ready, Path.Combine(modelsDirectory, "local", "scripted.gguf"), "scripted", 1));
    }

    /// <summary>Back to the default script: "Hello, world!" at once, no failures.</summary>
    public void ResetEngine()
    {
        Engine.Script = _ => ["Hello", ", ", "world", "!"];
        Engine.TokenDelay = TimeSpan.Zero;
        Engine.FailOnRequest = null;
        Engine.QueuePositions = 0;
        Engine.CrashAfterTokens = null;
    }
}

/// <summary>A user made for a test and the secret of one of their keys.</summary>
public sealed record ApiUser(string UserId, string Email, Guid KeyId, string Key);
