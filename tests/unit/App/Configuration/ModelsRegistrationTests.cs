using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;
using WebChat.Extensions;
using WebChat.Services.Models;

namespace WebChat.Tests.Unit.App.Configuration;

public sealed class ModelsRegistrationTests
{
    [Fact]
    public async Task The_app_serves_search_downloads_and_the_store_on_its_own_models_folder()
    {
        await using var app = new WebChatAppFactory();
        _ = app.Server;
        var services = app.Services;

        var store = services.GetRequiredService<ModelStore>();

        Assert.Equal(Path.Combine(app.DataDirectory, "models"), store.Root);
        Assert.NotNull(services.GetRequiredService<ModelSearch>());
        Assert.NotNull(services.GetRequiredService<DownloadManager>());
        Assert.Equal(EngineState.Empty, services.GetRequiredService<IInferenceEngine>().Status.State);
    }

    [Fact]
    public async Task The_app_registers_the_model_services_and_reads_the_starter_model_setting()
    {
        await using var app = new WebChatAppFactory();
        await using var configured = app.WithWebHostBuilder(b => b.UseSetting("WebChat:StarterModel:Repo", "acme/starter-GGUF").UseSetting("WebChat:StarterModel:File", "starter-q4_k_m.gguf"));
        _ = configured.Server;

        var starter = configured.Services.GetRequiredService<IOptions<StarterModelOptions>>().Value;

        Assert.Equal(("acme/starter-GGUF", "starter-q4_k_m.gguf"), (starter.Repo, starter.File));
        Assert.Same(configured.Services.GetRequiredService<ModelDownloadService>(), configured.Services.GetRequiredService<ModelDownloadService>());
        Assert.NotNull(configured.Services.GetRequiredService<ModelLibrary>());
        Assert.NotNull(configured.Services.GetRequiredService<ModelImporter>());
    }

    [Fact]
    public async Task A_starter_model_that_is_not_a_repository_name_is_refused_with_the_setting_named()
    {
        await using var host = await AppServicesHost.StartAsync(b => b.AddWebChatEngine().AddWebChatModels(), ("WebChat:StarterModel:Repo", "not a repo"));

        var error = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IOptions<StarterModelOptions>>().Value);

        Assert.Contains("WebChat:StarterModel needs Repo as owner/name", error.Message, StringComparison.Ordinal);
    }
}
