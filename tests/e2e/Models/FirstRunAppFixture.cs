using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WebChat.Engine.Inference;
using WebChat.Tests.E2E.Infrastructure;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.E2E.Models;

/// <summary>
/// A fresh app with no model installed, the real engine, and a fake Hub (real Kestrel on 127.0.0.1) that serves the
/// generated tiny model as the configured starter model, slowly enough that a person would see the progress.
/// </summary>
public sealed class FirstRunAppFixture : WebChatAppFixture, IAsyncLifetime
{
    public const string StarterRepo = "webchat-test/tiny-starter-GGUF";
    public const string StarterFile = "webchat-tiny-f32.gguf";

    public FakeHubServer Hub { get; private set; } = default!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["WebChat:Hub:Endpoint"] = Hub.BaseAddress.ToString(),
        ["WebChat:StarterModel:Repo"] = StarterRepo,
        ["WebChat:StarterModel:File"] = StarterFile,
        ["WebChat:Downloads:ProgressInterval"] = "00:00:00.200",
        ["WebChat:Chat:DefaultMaxTokens"] = "24",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.ConfigureServices(services =>
        {
            services.RemoveAll<IInferenceEngine>();
            services.AddWebChatInference(options => options.KeepAlive = null);
        });

    public new async Task InitializeAsync()
    {
        var model = await File.ReadAllBytesAsync(TestModels.Tiny);
        Hub = await FakeHubServer.StartAsync([new FakeHubRepo { Id = StarterRepo, Files = [new FakeHubFile(StarterFile, model)] }]);
        // About three seconds for the 0.8 MB model: long enough to see progress, short enough for the suite.
        Hub.Faults.BandwidthBytesPerSecond = model.Length / 3;
        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Hub.DisposeAsync();
    }
}
