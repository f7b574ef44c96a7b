using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using WebChat.Engine.Catalog;
using WebChat.Engine.Downloads;
using WebChat.Engine.Storage;

namespace WebChat.Engine.Hub;

/// <summary>Registers the Hub client, model search, the download manager and the model store.</summary>
public static class HubServiceCollectionExtensions
{
    public static IServiceCollection AddWebChatHub(
        this IServiceCollection services,
        Action<HubOptions>? configureHub = null,
        Action<DownloadOptions>? configureDownloads = null,
        Action<ModelStoreOptions>? configureStore = null)
    {
        var hub = services.AddOptions<HubOptions>().BindConfiguration(HubOptions.SectionName);
        var downloads = services.AddOptions<DownloadOptions>().BindConfiguration(DownloadOptions.SectionName);
        var store = services.AddOptions<ModelStoreOptions>().BindConfiguration(ModelStoreOptions.SectionName);
        if (configureHub is not null) hub.Configure(configureHub);
        if (configureDownloads is not null) downloads.Configure(configureDownloads);
        if (configureStore is not null) store.Configure(configureStore);
        downloads.Validate(o => o.Connections is >= 1 and <= 32 && o.ChunkSize >= 64 * 1024 && o.MaxConcurrentDownloads >= 1 && o.CheckpointBytes >= 64 * 1024,
            "WebChat:Downloads needs 1-32 connections, chunks and checkpoints of at least 64 KiB and at least one concurrent download.");

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDiskSpaceProbe, DriveDiskSpaceProbe>();
        services.TryAddSingleton(sp => new HubEnvironment(sp.GetRequiredService<IOptions<HubOptions>>().Value));
        services.TryAddSingleton<HubClient>();
        services.TryAddSingleton<GgufHeaderPeek>();
        services.TryAddSingleton<IGpuMemoryProbe, NoGpuMemoryProbe>();
        services.TryAddSingleton<IMachineMemoryReader>(sp => new SystemMemoryReader(sp.GetRequiredService<IGpuMemoryProbe>()));
        services.TryAddSingleton<ModelSearch>();
        services.TryAddSingleton<ModelStore>();
        services.TryAddSingleton<DownloadManager>();

        services.AddHttpClient(HubClient.HttpClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan; // API calls carry their own timeout; downloads are watched for stalls.
                client.DefaultRequestHeaders.UserAgent.ParseAdd($"WebChat/{typeof(HubClient).Assembly.GetName().Version}");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false, // HubClient follows redirects itself so the token never reaches another host.
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(15),

                // A download connection stops reading early when another connection took the second half of its range:
                // closing it at once beats receiving (and paying for) bytes that the other connection fetches.
                MaxResponseDrainSize = 0,
            })
            .AddResilienceHandler("hub-retry", (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<HubOptions>>().Value;
                var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
                builder.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(1, options.MaxRetries),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    ShouldRetryAfterHeader = false,
                    ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && HubRetryPolicy.ShouldRetry(args.Outcome, options, time.GetUtcNow())),
                    DelayGenerator = args => ValueTask.FromResult(HubRetryPolicy.AdvertisedDelay(args.Outcome, time.GetUtcNow())),
                });
            });
        return services;
    }
}
