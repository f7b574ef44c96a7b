using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;

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
}
