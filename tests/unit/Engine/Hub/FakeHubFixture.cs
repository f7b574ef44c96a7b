using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;
using WebChat.Tests.Support.FakeHub;

namespace WebChat.Tests.Unit.Engine.Hub;

/// <summary>A fake Hub on a free port, a temporary models folder and the real Hub services pointed at them.</summary>
public sealed class FakeHubFixture : IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    private FakeHubFixture(FakeHubServer hub, string models)
    {
        Hub = hub;
        ModelsDirectory = models;
    }

    public FakeHubServer Hub { get; }

    public string ModelsDirectory { get; }

    public static async Task<FakeHubFixture> StartAsync(params FakeHubRepo[] repos)
    {
        var models = Path.Combine(Path.GetTempPath(), "webchat-hub-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(models);
        return new FakeHubFixture(await FakeHubServer.StartAsync(repos), models);
    }

    /// <summary>A fresh service provider (like a new process) over the same Hub and models folder.</summary>
    public ServiceProvider Services(
        Action<HubOptions>? hub = null, Action<DownloadOptions>? downloads = null, IDiskSpaceProbe? disk = null, Action<IServiceCollection>? replace = null)
    {
        var provider = FakeHubServices.Create(Hub, ModelsDirectory, hub, downloads, disk, replace);
        _providers.Add(provider);
        return provider;
    }

    public HubClient Client(Action<HubOptions>? hub = null) => Services(hub).GetRequiredService<HubClient>();

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        await Hub.DisposeAsync();
        try
        {
            Directory.Delete(ModelsDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
