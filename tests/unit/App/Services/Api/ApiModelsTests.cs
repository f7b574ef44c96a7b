using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;
using WebChat.Extensions;
using WebChat.Services.Api;
using WebChat.Services.ApiKeys;
using WebChat.Services.Models;
using WebChat.Services.Presets;
using WebChat.Services.Serving;
using WebChat.Tests.Support.Chat;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Unit.App.Services.Models;

namespace WebChat.Tests.Unit.App.Services.Api;

/// <summary>The API obeys the chat's offer rules and loads an offered model on demand, through the one serving owner.</summary>
public sealed class ApiModelsTests
{
    private readonly ScriptedInferenceEngine _engine = new();

    [Fact]
    public async Task A_user_lists_and_names_only_models_offered_to_users_and_none_while_presets_are_the_only_choice()
    {
        await using var app = await StartAsync();
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var user = await ModelTestUsers.RegisterAsync(app.Services, "user");
        var model = await ImportTinyAsync(app, admin);
        var models = app.Services.GetRequiredService<ApiModels>();

        Assert.Empty(await models.ListAsync(Caller(user)));
        Assert.Single(await models.ListAsync(Caller(admin)));
        Assert.Equal(ModelMatch.NotOffered, (await models.ResolveAsync(Caller(user), model.Id)).Match);

        await app.Services.GetRequiredService<ModelSettings>().SaveAsync(admin, new ModelSettingsView(model.Id, "Team model", UserSelectable: true, false, "think"));
        Assert.Equal(model.Id, Assert.Single(await models.ListAsync(Caller(user))).Id);
        var byName = await models.ResolveAsync(Caller(user), "Team model");
        Assert.Equal((ModelMatch.Offered, model.Id), (byName.Match, byName.Model?.Id));

        await app.Services.GetRequiredService<PresetService>().SetEnforcedAsync(admin, true);
        Assert.Empty(await models.ListAsync(Caller(user)));
        Assert.Equal(ModelMatch.NotOffered, (await models.ResolveAsync(Caller(user), model.Id)).Match);
    }

    [Fact]
    public async Task A_request_naming_an_offered_model_that_is_not_loaded_loads_it_first_instead_of_refusing()
    {
        await using var app = await StartAsync();
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var user = await ModelTestUsers.RegisterAsync(app.Services, "user");
        var model = await ImportTinyAsync(app, admin);
        await app.Services.GetRequiredService<ModelSettings>().SaveAsync(admin, new ModelSettingsView(model.Id, "tiny", UserSelectable: true, false, "think"));
        _engine.SetStatus(new EngineStatus(EngineState.Ready, "/models/other.gguf", "other"));
        var offered = await app.Services.GetRequiredService<ApiModels>().ResolveAsync(Caller(user), "tiny");
        Assert.Equal(ModelMatch.Offered, offered.Match);

        await using (var generation = await app.Services.GetRequiredService<ApiGenerations>().StartAsync(
            Caller(user), offered, new ChatRequest { Messages = [new ChatTurn(ChatRole.User, "Hi")] }, CancellationToken.None))
        {
            Assert.Equal("Hello, world!", string.Concat(await generation.ReadTextAsync().ToListAsync()));
        }

        var load = Assert.Single(_engine.Loads);
        Assert.Equal(app.Services.GetRequiredService<ModelServing>().PathOf(model), load.ModelPath);
        Assert.StartsWith(app.Services.GetRequiredService<ModelStore>().Root, load.ModelPath, StringComparison.Ordinal);
    }

    private Task<AppServicesHost> StartAsync() => AppServicesHost.StartAsync(builder =>
    {
        builder.AddWebChatEngine();
        builder.AddWebChatModels();
        builder.Services.AddSingleton<IInferenceEngine>(_engine);
        builder.AddWebChatChat();
        builder.AddWebChatModelServing();
        builder.Services.AddSingleton<ApiModels>();
        builder.Services.AddSingleton<ApiGenerations>();
    });

    private static ApiCaller Caller(ClaimsPrincipal user) => new(user.FindFirstValue(ClaimTypes.NameIdentifier)!, Guid.NewGuid());

    private static async Task<InstalledModel> ImportTinyAsync(AppServicesHost app, ClaimsPrincipal admin)
    {
        var source = Path.Combine(app.DataDirectory, "tiny.gguf");
        File.Copy(TestModels.Tiny, source);
        return await app.Services.GetRequiredService<ModelImporter>().ImportAsync(admin, source, ImportMode.Copy);
    }
}
