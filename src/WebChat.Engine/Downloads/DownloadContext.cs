using Microsoft.Extensions.Logging;
using Polly;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;

namespace WebChat.Engine.Downloads;

/// <summary>What every job of one manager shares: the Hub, the store, the slots of the concurrency limit, the retry pipeline.</summary>
internal sealed record DownloadContext(
    HubClient Hub,
    ModelStore Store,
    DownloadOptions Options,
    SemaphoreSlim Slots,
    ResiliencePipeline RangeRetry,
    TimeProvider TimeProvider,
    ILogger Logger,
    Action<DownloadProgress> OnProgress,
    CancellationToken Shutdown);
