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
using WebChat.Services.Presets;
using WebChat.Tests.Support.Chat;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Unit.App.Services.Models;

namespace WebChat.Tests.Unit.App.Services.Presets;

public sealed class PresetServiceTests
{
    private readonly ScriptedInferenceEngine _engine = new();

    [Fact]
    public async Task A_users_preset_sets_the_system_prompt_and_sampling_loads_its_model_and_is_recorded_in_usage()
    {
        await using var app = await StartAsync();
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var user = await ModelTestUsers.RegisterAsync(app.Services, "user");
        var model = await ImportTinyAsync(app, admin);
        var presets = app.Services.GetRequiredService<PresetService>();
        await app.Services.GetRequiredService<SettingsService>().SaveAsync(Id(user), new ChatSettings("My own prompt.", 0.9f, null, null, null));
        var pirate = await presets.SaveAsync(admin, new PresetView(Guid.Empty, " Pirate ", "Arr", model.Id, "Talk like a pirate.", 0.1f, null, 64));

        await presets.ChooseAsync(Id(user), pirate.Id);
        var conversation = (await app.Services.GetRequiredService<GenerationService>().SendAsync(Id(user), null, "Hello")).ConversationId;
        await app.Services.GetRequiredService<GenerationRegistry>().Find(conversation)!.Finished.WaitAsync(TimeSpan.FromSeconds(20));

        var request = Assert.Single(_engine.Requests);
        Assert.Equal([(ChatRole.System, "Talk like a pirate."), (ChatRole.User, "Hello")], request.Messages.Select(t => (t.Role, t.Content)));
        Assert.Equal((0.1f, 64), (request.Sampling.Temperature, request.MaxTokens));
        Assert.EndsWith(model.FileName, Assert.Single(_engine.Loads).ModelPath, StringComparison.Ordinal);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        Assert.Equal("Pirate", (await db.UsageRecords.SingleAsync()).Preset);
    }

    [Fact]
    public async Task Only_admins_save_presets_and_when_presets_are_enforced_users_get_one_and_cannot_pick_models()
    {
        await using var app = await StartAsync();
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var user = await ModelTestUsers.RegisterAsync(app.Services, "user");
        var model = await ImportTinyAsync(app, admin);
        var presets = app.Services.GetRequiredService<PresetService>();
        await app.Services.GetRequiredService<ModelSettings>().SaveAsync(admin, new ModelSettingsView(model.Id, "tiny", UserSelectable: true, false, "think"));

        await Assert.ThrowsAsync<ModelAccessDeniedException>(() => presets.SaveAsync(user, new PresetView(Guid.Empty, "x", null, model.Id, null, null, null, null)));
        var invalid = await Assert.ThrowsAsync<ModelOperationException>(() => presets.SaveAsync(admin, new PresetView(Guid.Empty, "x", null, model.Id, null, 5f, null, null)));
        Assert.Contains("Temperature", invalid.Message, StringComparison.Ordinal);
        var helper = await presets.SaveAsync(admin, new PresetView(Guid.Empty, "Helper", null, model.Id, "Be helpful.", null, null, null));
        Assert.Null(await presets.ForUserAsync(Id(user)));

        await presets.SetEnforcedAsync(admin, true);

        Assert.Equal(helper.Id, (await presets.ForUserAsync(Id(user)))?.Id);
        await Assert.ThrowsAsync<InvalidChatOperationException>(() => presets.ChooseAsync(Id(user), null));
        var refused = await Assert.ThrowsAsync<ModelAccessDeniedException>(() => app.Services.GetRequiredService<WebChat.Services.Serving.ModelServing>().SwitchAsync(user, model.Id));
        Assert.Contains("presets the only choice", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_preset_based_on_a_remote_engines_model_is_answered_by_that_engine_and_an_unknown_one_is_refused()
    {
        await using var remote = await WebChat.Tests.Support.FakeEngine.FakeOpenAiEngine.StartAsync();
        await using var app = await StartAsync(("Engines:Remote:0:Name", "gpu-box"), ("Engines:Remote:0:BaseUrl", remote.BaseUrl));
        var engines = app.Services.GetRequiredService<WebChat.Services.Serving.Engines.RemoteEngines>();
        await engines.ReloadAsync();
        await engines.CheckDueAsync();
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var user = await ModelTestUsers.RegisterAsync(app.Services, "user");
        var presets = app.Services.GetRequiredService<PresetService>();

        var unknown = await Assert.ThrowsAsync<ModelOperationException>(() =>
            presets.SaveAsync(admin, new PresetView(Guid.Empty, "Ghost", null, "engine:no-such-model", null, null, null, null)));
        Assert.Contains("remote engine's model", unknown.Message, StringComparison.Ordinal);
        var pirate = await presets.SaveAsync(admin, new PresetView(Guid.Empty, "Pirate", null, "engine:fake-model", "Talk like a pirate.", null, null, 64));
        await presets.ChooseAsync(Id(user), pirate.Id);
        var conversation = (await app.Services.GetRequiredService<GenerationService>().SendAsync(Id(user), null, "Hello")).ConversationId;
        await app.Services.GetRequiredService<GenerationRegistry>().Find(conversation)!.Finished.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(1, remote.Served);
        Assert.Empty(_engine.Requests);
        Assert.Empty(_engine.Loads);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        var usage = await db.UsageRecords.SingleAsync();
        Assert.Equal(("Pirate", "gpu-box"), (usage.Preset, usage.Engine));
        Assert.Equal("Hello from the fake", (await db.Messages.SingleAsync(m => m.ConversationId == conversation && m.Role == MessageRole.Assistant)).Content);
    }

    private Task<AppServicesHost> StartAsync(params (string Key, string Value)[] settings) => AppServicesHost.StartAsync(builder =>
    {
        builder.AddWebChatEngine();
        builder.AddWebChatModels();
        builder.Services.AddSingleton<IInferenceEngine>(_engine);
        builder.AddWebChatChat();
        builder.AddWebChatModelServing();
    }, settings);

    private static string Id(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)!;

    private static async Task<InstalledModel> ImportTinyAsync(AppServicesHost app, ClaimsPrincipal admin)
    {
        var source = Path.Combine(app.DataDirectory, "tiny.gguf");
        File.Copy(TestModels.Tiny, source);
        return await app.Services.GetRequiredService<ModelImporter>().ImportAsync(admin, source, ImportMode.Copy);
    }
}
