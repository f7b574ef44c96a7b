using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using WebChat.Data;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;
using WebChat.Extensions;
using WebChat.Services.Chat;
using WebChat.Services.Models;
using WebChat.Services.Serving;
using WebChat.Tests.Support.Chat;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.App.Services.Models;

public sealed class ModelLibraryTests
{
    [Fact]
    public async Task Deleting_the_loaded_model_unloads_it_first_then_removes_its_file_and_row()
    {
        await using var app = await StartAsync(_ => { });
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var model = await ImportTinyAsync(app, admin);
        var library = app.Services.GetRequiredService<ModelLibrary>();
        await app.Services.GetRequiredService<ModelServing>().SwitchAsync(admin, model.Id);
        Assert.True(Assert.Single(await library.ListAsync()).IsLoaded);

        await library.DeleteAsync(admin, model.Id);

        Assert.Equal(EngineState.Empty, app.Services.GetRequiredService<IInferenceEngine>().Status.State);
        Assert.Empty(await library.ListAsync());
        Assert.False(File.Exists(Path.Combine(app.Services.GetRequiredService<ModelStore>().Root, model.RelativePath)));
    }

    [Fact]
    public async Task Deleting_the_loaded_model_while_it_answers_is_refused_with_the_reason_and_keeps_it()
    {
        var engine = new ScriptedInferenceEngine();
        await using var app = await StartAsync(builder => builder.Services.AddSingleton<IInferenceEngine>(engine));
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var model = await ImportTinyAsync(app, admin);
        var path = Path.Combine(app.Services.GetRequiredService<ModelStore>().Root, model.RelativePath);
        engine.SetStatus(new EngineStatus(EngineState.Ready, path, "tiny", 1, ActiveSequences: 2));
        var library = app.Services.GetRequiredService<ModelLibrary>();

        var error = await Assert.ThrowsAsync<ModelOperationException>(() => library.DeleteAsync(admin, model.Id));

        Assert.Contains("answering 2 request(s)", error.Message, StringComparison.Ordinal);
        Assert.Equal(EngineState.Ready, engine.Status.State);
        Assert.True(File.Exists(path));
        Assert.Single(await library.ListAsync());
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_cannot_delete_a_model_or_load_one_not_offered_to_users()
    {
        await using var app = await StartAsync(builder => builder.Services.AddSingleton<IInferenceEngine>(new ScriptedInferenceEngine()));
        var admin = await ModelTestUsers.RegisterAsync(app.Services, "admin");
        var user = await ModelTestUsers.RegisterAsync(app.Services, "user");
        var model = await ImportTinyAsync(app, admin);
        var library = app.Services.GetRequiredService<ModelLibrary>();

        await Assert.ThrowsAsync<ModelAccessDeniedException>(() => library.DeleteAsync(user, model.Id));
        await Assert.ThrowsAsync<ModelAccessDeniedException>(() => app.Services.GetRequiredService<ModelServing>().SwitchAsync(user, model.Id));

        Assert.Single(await library.ListAsync());
    }

    private static Task<AppServicesHost> StartAsync(Action<IHostApplicationBuilder> engine) => AppServicesHost.StartAsync(builder =>
    {
        builder.AddWebChatEngine();
        builder.AddWebChatModels();
        engine(builder);
        builder.AddWebChatChat();
        builder.AddWebChatModelServing();
    });

    private static async Task<WebChat.Data.Entities.InstalledModel> ImportTinyAsync(AppServicesHost app, ClaimsPrincipal admin)
    {
        var source = Path.Combine(app.DataDirectory, "tiny.gguf");
        File.Copy(TestModels.Tiny, source);
        var model = await app.Services.GetRequiredService<ModelImporter>().ImportAsync(admin, source, ImportMode.Copy);
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        Assert.Single(await db.InstalledModels.ToListAsync());
        return model;
    }
}
