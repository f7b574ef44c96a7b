using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Extensions;
using WebChat.Services.Serving.Engines;
using WebChat.Tests.E2E.Chat;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Api;

/// <summary>
/// A second WebChat (the real engine on the generated tiny model, an API key made) as the remote engine of a first
/// one's serving: the first's router streams real tokens from it, and a Stop on the first cancels the answer there.
/// </summary>
public sealed class WebChatAsRemoteEngineTests(ChatAppFixture second) : IClassFixture<ChatAppFixture>, IAsyncLifetime
{
    private IHost _first = null!;
    private string _firstData = "";
    private ApiUser _key = null!;

    public async Task InitializeAsync()
    {
        var engine = second.Services.GetRequiredService<IInferenceEngine>();
        if (engine.Status.State != EngineState.Ready)
        {
            var models = second.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebChat.Configuration.WebChatOptions>>().Value.ModelsDirectory;
            await engine.LoadAsync(WebChat.Services.Models.ModelLibrary.LoadOptionsFor(Path.Combine(models, "local", "webchat-tiny.gguf")));
        }

        _key = await second.CreateUserWithKeyAsync("first webchat");
        await using (var scope = second.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<WebChat.Data.WebChatDbContext>();
            var model = await db.InstalledModels.FindAsync(ChatAppFixture.ModelId);
            model!.UserSelectable = true; // the second offers its model to the key's user
            await db.SaveChangesAsync();
        }

        _firstData = Path.Combine(Path.GetTempPath(), "webchat-first-" + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WebChat:DataDirectory"] = _firstData,
            ["Engines:Local:Enabled"] = "false",
            ["Engines:Remote:0:Name"] = "second",
            ["Engines:Remote:0:BaseUrl"] = new Uri(second.BaseAddress, "v1").ToString(),
            ["Engines:Remote:0:ApiKey"] = _key.Key,
        });
        builder.AddWebChatOptions();
        builder.AddWebChatData();
        builder.AddWebChatEngines();
        _first = builder.Build();
        await _first.MigrateWebChatDatabaseAsync();
        var engines = _first.Services.GetRequiredService<RemoteEngines>();
        await engines.ReloadAsync();
        await engines.CheckDueAsync();
    }

    public async Task DisposeAsync()
    {
        _first.Dispose();
        SqliteConnection.ClearAllPools();
        await Task.Yield();
        Directory.Delete(_firstData, recursive: true);
    }

    [Fact]
    public async Task A_chat_on_the_first_streams_real_tokens_from_the_second_with_its_usage()
    {
        var view = Assert.Single(_first.Services.GetRequiredService<RemoteEngines>().Views());
        Assert.Equal(RemoteEngineHealth.Ready, view.Health);
        Assert.Contains(ChatAppFixture.ModelId, view.Models);
        var deltas = 0;
        ChatSummary? summary = null;

        await foreach (var update in _first.Services.GetRequiredService<RoutedChat>().StreamAsync(ChatAppFixture.ModelId, Request(8), CancellationToken.None))
        {
            deltas += update is TextDelta ? 1 : 0;
            summary = update as ChatSummary ?? summary;
        }

        Assert.True(deltas > 0, "text streamed from the second WebChat");
        Assert.NotNull(summary);
        Assert.Equal("second", summary.Engine);
        Assert.InRange(summary.CompletionTokens, 1, 8);
        Assert.True(summary.PromptTokens > 3);
        // The second writes its usage row as its response closes, which can be a moment after the first read the end.
        await Eventually.TrueAsync(async () => (await second.UsageOfAsync(_key.UserId)).Count == 1);
        Assert.Equal(UsageSource.Api, Assert.Single(await second.UsageOfAsync(_key.UserId)).Source);
    }

    [Fact]
    public async Task Stop_on_the_first_cancels_the_answer_on_the_second()
    {
        using var stop = new CancellationTokenSource();
        var engine = second.Services.GetRequiredService<IInferenceEngine>();
        ChatSummary? summary = null;

        await foreach (var update in _first.Services.GetRequiredService<RoutedChat>().StreamAsync(ChatAppFixture.ModelId, Request(2000), stop.Token))
        {
            if (update is TextDelta)
            {
                await stop.CancelAsync(); // Stop after the first token of a long answer
            }

            summary = update as ChatSummary ?? summary;
        }

        Assert.Equal(FinishReason.Cancelled, summary?.FinishReason);
        await Eventually.TrueAsync(() => Task.FromResult(engine.Status is { ActiveSequences: 0, QueuedRequests: 0 }));
        await Eventually.TrueAsync(async () => (await second.UsageOfAsync(_key.UserId)).Any(r => r.FinishReason == nameof(FinishReason.Cancelled)));
    }

    private static ChatRequest Request(int maxTokens) => new()
    {
        Messages = [new ChatTurn(ChatRole.User, "Tell me a long story")],
        MaxTokens = maxTokens,
        Sampling = new SamplingOptions { Temperature = 0.8f },
    };
}
