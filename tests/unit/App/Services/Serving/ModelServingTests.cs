using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;
using WebChat.Extensions;
using WebChat.Services.Chat;
using WebChat.Services.Models;
using WebChat.Tests.Support.Chat;
using WebChat.Tests.Support.Models;

using WebChat.Services.Serving;
using WebChat.Tests.Unit.App.Services.Models;

namespace WebChat.Tests.Unit.App.Services.Serving;

/// <summary>The default model, loading on demand, user model switches and the one display name, over the scripted engine.</summary>
public sealed class ModelServingTests
{
    private readonly ScriptedInferenceEngine _engine = new() { RequireReady = true };

    [Fact]
    public async Task A_message_to_an_empty_engine_loads_the_default_model_and_is_answered_with_its_display_name()
    {
        await using var app = await StartAsync();
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var user = await ModelTestUsers.RegisterAsync(app.Services, "user");
        var model = await ImportTinyAsync(app, admin);
        await Settings(app).SaveAsync(admin, new ModelSettingsView(model.Id, "Team model", false, IsDefault: true, "think"));
        _engine.SetStatus(EngineStatus.Empty);

        var conversation = (await app.Services.GetRequiredService<GenerationService>().SendAsync(UserId(user), null, "Hello?")).ConversationId;
        await WaitForAnswerAsync(app, conversation);

        var load = Assert.Single(_engine.Loads);
        Assert.Equal(("Team model", true), (load.DisplayName, load.ModelPath.EndsWith(model.FileName, StringComparison.Ordinal)));
        var answer = (await MessagesAsync(app, conversation))[1];
        Assert.Equal((MessageStatus.Complete, "Hello, world!", "Team model"), (answer.Status, answer.Content, answer.Model));
        Assert.Equal("Team model", (await UsageAsync(app)).Single().Model);
    }

    [Fact]
    public async Task Without_a_default_model_an_empty_engine_still_refuses_with_its_reason()
    {
        await using var app = await StartAsync();
        var user = await ModelTestUsers.RegisterAsync(app.Services, "user");
        _engine.SetStatus(EngineStatus.Empty);

        var conversation = (await app.Services.GetRequiredService<GenerationService>().SendAsync(UserId(user), null, "Hello?")).ConversationId;
        await WaitForAnswerAsync(app, conversation);

        Assert.Empty(_engine.Loads);
        var answer = (await MessagesAsync(app, conversation))[1];
        Assert.Equal((MessageStatus.Failed, "No model is loaded."), (answer.Status, answer.Error));
    }

    [Fact]
    public async Task After_a_crash_the_next_message_reloads_the_model_that_crashed()
    {
        await using var app = await StartAsync();
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var model = await ImportTinyAsync(app, admin);
        var path = app.Services.GetRequiredService<ModelServing>().PathOf(model);
        _engine.SetStatus(new EngineStatus(EngineState.Failed, path, "tiny", Error: "native crash"));

        var conversation = (await app.Services.GetRequiredService<GenerationService>().SendAsync(UserId(admin), null, "Still there?")).ConversationId;
        await WaitForAnswerAsync(app, conversation);

        Assert.Equal(path, Assert.Single(_engine.Loads).ModelPath);
        Assert.Equal(MessageStatus.Complete, (await MessagesAsync(app, conversation))[1].Status);
    }

    [Fact]
    public async Task A_user_may_load_only_models_offered_to_users_and_the_switch_waits_for_answers_in_progress()
    {
        await using var app = await StartAsync();
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var user = await ModelTestUsers.RegisterAsync(app.Services, "user");
        var model = await ImportTinyAsync(app, admin);
        var switcher = app.Services.GetRequiredService<ModelServing>();

        await Assert.ThrowsAsync<ModelAccessDeniedException>(() => switcher.SwitchAsync(user, model.Id));
        await Settings(app).SaveAsync(admin, new ModelSettingsView(model.Id, "tiny", UserSelectable: true, false, "think"));
        _engine.SetStatus(new EngineStatus(EngineState.Ready, "/models/other.gguf", "other", 1, ActiveSequences: 1));

        var switching = switcher.SwitchAsync(user, model.Id);
        await Task.Delay(50);
        Assert.False(switching.IsCompleted, "the switch must wait while an answer is being written");
        Assert.Empty(_engine.Loads);
        _engine.SetStatus(new EngineStatus(EngineState.Ready, "/models/other.gguf", "other", 1));
        await switching.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Single(_engine.Loads);
    }

    [Fact]
    public async Task Display_names_are_checked_and_unique()
    {
        await using var app = await StartAsync();
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var user = await ModelTestUsers.RegisterAsync(app.Services, "user");
        var model = await ImportTinyAsync(app, admin);

        await Assert.ThrowsAsync<ModelAccessDeniedException>(() => Settings(app).SaveAsync(user, new ModelSettingsView(model.Id, "x", false, false, "think")));
        var empty = await Assert.ThrowsAsync<ModelOperationException>(() => Settings(app).SaveAsync(admin, new ModelSettingsView(model.Id, " ", false, false, "think")));
        Assert.Contains("display name", empty.Message, StringComparison.Ordinal);
        var tag = await Assert.ThrowsAsync<ModelOperationException>(() => Settings(app).SaveAsync(admin, new ModelSettingsView(model.Id, "ok", false, false, "<think>")));
        Assert.Contains("without angle brackets", tag.Message, StringComparison.Ordinal);

        await Settings(app).SaveAsync(admin, new ModelSettingsView(model.Id, "Tiny helper", false, false, "reasoning"));
        var choice = Assert.Single(await app.Services.GetRequiredService<ModelLibrary>().ChoicesAsync());
        Assert.Equal("Tiny helper", choice.Name);
        Assert.Equal("reasoning", (await Settings(app).GetAsync(model.Id)).ReasoningTag);
    }

    [Fact]
    public async Task Messages_for_the_loaded_model_that_a_remote_engine_also_serves_are_shared_between_the_two()
    {
        await using var remote = await WebChat.Tests.Support.FakeEngine.FakeOpenAiEngine.StartAsync();
        remote.Models.Clear();
        remote.Models.Add("Team model"); // llama-server started with --alias "Team model", the local model's display name
        await using var app = await StartAsync(("Engines:Remote:0:Name", "gpu"), ("Engines:Remote:0:BaseUrl", remote.BaseUrl));
        var engines = app.Services.GetRequiredService<WebChat.Services.Serving.Engines.RemoteEngines>();
        await engines.ReloadAsync();
        await engines.CheckDueAsync();
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var model = await ImportTinyAsync(app, admin);
        await Settings(app).SaveAsync(admin, new ModelSettingsView(model.Id, "Team model", true, IsDefault: true, "think"));
        await app.Services.GetRequiredService<ModelServing>().SwitchAsync(admin, model.Id); // loads it under its display name

        // Both replicas idle: the two conversations' first turns go one to each.
        foreach (var question in new[] { "First?", "Second?" })
        {
            var conversation = (await app.Services.GetRequiredService<GenerationService>().SendAsync(UserId(admin), null, question)).ConversationId;
            await WaitForAnswerAsync(app, conversation);
            Assert.Equal(MessageStatus.Complete, (await MessagesAsync(app, conversation))[1].Status);
        }

        Assert.Equal(["gpu", "local"], (await UsageAsync(app)).Select(u => u.Engine).Order(StringComparer.Ordinal));
        Assert.Equal(1, remote.Served);
    }

    private Task<AppServicesHost> StartAsync(params (string Key, string Value)[] settings) => AppServicesHost.StartAsync(builder =>
    {
        builder.AddWebChatEngine();
        builder.AddWebChatModels();
        builder.Services.AddSingleton<IInferenceEngine>(_engine);
        builder.AddWebChatChat();
        builder.AddWebChatModelServing();
    }, settings);

    private static ModelSettings Settings(AppServicesHost app) => app.Services.GetRequiredService<ModelSettings>();

    private static string UserId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)!;

    private static async Task WaitForAnswerAsync(AppServicesHost app, Guid conversationId)
    {
        if (app.Services.GetRequiredService<GenerationRegistry>().Find(conversationId) is { } generation)
        {
            await generation.Finished.WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    private static async Task<List<Message>> MessagesAsync(AppServicesHost app, Guid conversationId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        return await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.Sequence).ToListAsync();
    }

    private static async Task<List<UsageRecord>> UsageAsync(AppServicesHost app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        return await db.UsageRecords.AsNoTracking().ToListAsync();
    }

    private static async Task<InstalledModel> ImportTinyAsync(AppServicesHost app, ClaimsPrincipal admin)
    {
        var source = Path.Combine(app.DataDirectory, "tiny.gguf");
        File.Copy(TestModels.Tiny, source);
        return await app.Services.GetRequiredService<ModelImporter>().ImportAsync(admin, source, ImportMode.Copy);
    }
}
