using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;

namespace WebChat.Engine.Downloads;

/// <summary>Runs downloads keyed by (repo, revision, file): a second request joins the running job; a limit caps concurrent files.</summary>
public sealed class DownloadManager : IAsyncDisposable
{
    private readonly Dictionary<DownloadKey, DownloadJob> _jobs = [];
    private readonly Observers<DownloadProgress> _observers = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly DownloadContext _context;
    private int _disposed;

    public DownloadManager(HubClient hub, ModelStore store, IOptions<DownloadOptions> options, TimeProvider timeProvider, ILogger<DownloadManager> logger)
    {
        var settings = options.Value;
        _context = new DownloadContext(hub, store, settings, new SemaphoreSlim(settings.MaxConcurrentDownloads), BuildRangeRetry(settings),
            timeProvider, logger, Publish, _shutdown.Token);
        Store = store;
    }

    public ModelStore Store { get; }

    /// <summary>Every job this manager knows, running or finished.</summary>
    public IReadOnlyList<DownloadJob> Jobs
    {
        get
        {
            lock (_jobs)
            {
                return [.. _jobs.Values];
            }
        }
    }

    /// <summary>Starts downloading one file, or returns the job already running (or paused, which resumes) for it.</summary>
    public DownloadJob Start(RepoId repo, string fileName, string revision = "main")
    {
        StoreNames.ValidateFileName(fileName);
        var key = new DownloadKey(repo, revision, fileName);
        lock (_jobs)
        {
            if (_jobs.TryGetValue(key, out var existing) && !existing.Completion.IsCompleted)
            {
                existing.Resume();
                return existing;
            }

            var job = new DownloadJob(key, _context);
            _jobs[key] = job;
            job.Start();
            return job;
        }
    }

    /// <summary>Starts a model: a split GGUF ("-00001-of-0000N") brings all its parts, a plain file only itself.</summary>
    public ModelDownload StartModel(RepoId repo, string fileName, string revision = "main") =>
        new(SplitGgufName.AllParts(fileName).Select(part => Start(repo, part, revision)).ToList());

    /// <summary>Like <see cref="StartModel"/>, but first checks that the disk holds every part, so a split model never fails half-way for space.</summary>
    public async Task<ModelDownload> StartModelAsync(RepoId repo, string fileName, string revision = "main", CancellationToken cancellationToken = default)
    {
        var parts = SplitGgufName.AllParts(fileName);
        var missing = 0L;
        foreach (var part in parts.Where(p => Find(repo, p, revision) is not { Completion.IsCompleted: false }))
        {
            var location = await _context.Hub.ResolveFileAsync(repo, revision, part, cancellationToken);
            missing += Store.IsInstalled(repo, part) ? 0 : location.Size;
        }

        Store.EnsureSpace(missing + _context.Options.DiskHeadroomBytes);
        return StartModel(repo, fileName, revision);
    }

    public DownloadJob? Find(RepoId repo, string fileName, string revision = "main")
    {
        lock (_jobs)
        {
            return _jobs.GetValueOrDefault(new DownloadKey(repo, revision, fileName));
        }
    }

    /// <summary>True while a job of the repository (of one file of it, when named) is running or paused: it would write there again.</summary>
    public bool HasUnfinished(RepoId repo, string? fileName = null) => Jobs.Any(j => !j.Completion.IsCompleted && j.Key.Repo == repo
        && (fileName is null || SplitGgufName.AllParts(fileName).Contains(j.Key.FileName, StringComparer.Ordinal)));

    /// <summary>Deletes the partial files (and resume maps) of a model no job runs any more, e.g. one a restart interrupted.</summary>
    public void Discard(RepoId repo, string fileName)
    {
        foreach (var part in SplitGgufName.AllParts(fileName))
        {
            if (Find(repo, part) is { Completion.IsCompleted: false } running)
            {
                throw new InvalidOperationException($"{running.Key} is still running; cancel the job instead.");
            }

            Store.DeletePartial(repo, part);
        }
    }

    /// <summary>True when a running job writes this .part file (so cleanup leaves it alone).</summary>
    public bool IsWriting(string partPath) => Jobs.Any(j => j.IsActive
        && string.Equals(Store.PathFor(j.Key.Repo, j.Key.FileName) + ModelStore.PartSuffix, partPath, StringComparison.Ordinal));

    /// <summary>Calls the observer with progress of every job (for a page that lists downloads) until disposed.</summary>
    public IDisposable Subscribe(Action<DownloadProgress> observer) => _observers.Add(observer);

    /// <summary>Pauses every job (their .part files and resume maps stay) and waits for them to stop.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _shutdown.CancelAsync();
        await Task.WhenAll(Jobs.Select(j => j.StopForShutdownAsync()));
        _shutdown.Dispose();
    }

    private void Publish(DownloadProgress progress)
    {
        _observers.Notify(progress, exception => _context.Logger.LogWarning(exception, "A download progress observer failed"));
    }

    private static ResiliencePipeline BuildRangeRetry(DownloadOptions options) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = Math.Max(1, options.MaxRetriesPerRange),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = options.RetryBaseDelay,
            ShouldHandle = new PredicateBuilder()
                .Handle<IOException>()
                .Handle<HttpRequestException>()
                .Handle<DownloadStalledException>()
                .Handle<DownloadLinkRefusedException>()
                .Handle<HubOfflineException>(), // Short rate limits were already waited out by the HTTP handler; long ones go to the person.
        })
        .Build();
}
