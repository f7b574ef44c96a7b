using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;

namespace WebChat.Tests.Support.FakeHub;

/// <summary>Builds the engine's real Hub services (AddWebChatHub) pointed at a fake Hub, with fast retries for tests.</summary>
public static class FakeHubServices
{
    public static ServiceProvider Create(
        FakeHubServer hub,
        string modelsDirectory,
        Action<HubOptions>? hubOptions = null,
        Action<DownloadOptions>? downloadOptions = null,
        IDiskSpaceProbe? diskSpace = null,
        Action<IServiceCollection>? replace = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        replace?.Invoke(services);
        if (diskSpace is not null)
        {
            services.AddSingleton(diskSpace);
        }

        services.AddSingleton(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build() as Microsoft.Extensions.Configuration.IConfiguration);

        // The machine's HF_TOKEN / HF_ENDPOINT must not leak into tests: only the options count.
        services.AddSingleton(sp => new HubEnvironment(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<HubOptions>>().Value, _ => null));
        services.AddWebChatHub(
            o =>
            {
                o.Endpoint = hub.BaseAddress.ToString();
                o.Token = "";
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
                o.MaxRetries = 3;
                o.ApiTimeout = TimeSpan.FromSeconds(20);
                hubOptions?.Invoke(o);
            },
            o =>
            {
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
                o.StallTimeout = TimeSpan.FromSeconds(2);
                o.ChunkSize = 256 * 1024;
                o.ProgressInterval = TimeSpan.FromMilliseconds(50);
                o.DiskHeadroomBytes = 0;
                downloadOptions?.Invoke(o);
            },
            o => o.Directory = modelsDirectory);
        return services.BuildServiceProvider();
    }

    /// <summary>A repository with one file of deterministic pseudo-random bytes.</summary>
    public static FakeHubRepo RepoWithRandomFile(string id, string fileName, int size, int seed = 1) => new()
    {
        Id = id,
        Files = [new FakeHubFile(fileName, RandomBytes(size, seed))],
    };

    public static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
