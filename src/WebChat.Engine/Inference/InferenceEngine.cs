using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WebChat.Engine.Inference;

/// <summary>
/// The process-wide engine: loads one model at a time, serves chats through the scheduler, unloads after the
/// keep-alive idle time and reloads on the next request.
/// </summary>
internal sealed class InferenceEngine : IInferenceEngine, IAsyncDisposable
{
    private readonly IBackendLoader _loader;
    private readonly InferenceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<InferenceEngine> _logger;
    private readonly ILoggerFactory _loggerFactory;

    // Serializes load, unload and idle reload; the fields below change only while it is held.
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private Scheduler? _scheduler;
    private ModelLoadOptions? _lastOptions;
    private bool _sleeping;

    private readonly Observers<EngineStatus> _subscribers = new();
    private readonly ITimer _idleTimer;
    private volatile EngineStatus _status = EngineStatus.Empty;
    private int _disposed;
    private readonly UserRequestCounts _userCounts;

    // userCounts: each user's requests across this node's engines (the app's singleton); a count of its own when null.
    public InferenceEngine(IBackendLoader loader, IOptions<InferenceOptions> options, TimeProvider time, ILoggerFactory loggerFactory, UserRequestCounts? userCounts = null)
    {
        _userCounts = userCounts ?? new UserRequestCounts();
        _loader = loader;
        _options = options.Value;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<InferenceEngine>();
        _idleTimer = time.CreateTimer(_ => _ = UnloadWhenIdleAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public EngineStatus Status => _status;

    public KvCacheUse KvCache => _scheduler is { StopReason: null } scheduler ? scheduler.KvCache : KvCacheUse.None;

    /// <summary>Raised after every decode step of the current model; tests and benchmarks count steps with it.</summary>
    internal event Action<SchedulerStep>? StepCompleted;

    public IDisposable Subscribe(Action<EngineStatus> onChange) => _subscribers.Add(onChange);

    public async Task LoadAsync(ModelLoadOptions options, CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            await LoadLockedAsync(options, cancellationToken);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async Task UnloadAsync(CancellationToken cancellationToken = default)
    {
        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            await StopSchedulerAsync("The model was unloaded.");
            _lastOptions = null;
            _sleeping = false;
            Publish(EngineStatus.Empty);
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public async IAsyncEnumerable<ChatUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var scheduler = await ReadySchedulerAsync(cancellationToken);
        _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        // Fitted on the caller's thread in short model calls: a huge conversation holds neither the loop nor unload, and Stop ends it.
        var prepared = PromptFitter.Prepare(request, scheduler, _options.MinAnswerTokens, cancellationToken);
        if (_lastOptions?.DisplayName is { } displayName)
        {
            prepared = prepared with { Model = displayName };
        }

        // Leaving the loop early (the caller stopped reading) cancels the request so its sequence frees at once.
        using var requestCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var updates = scheduler.Submit(prepared, requestCancellation.Token);
        try
        {
            await foreach (var update in updates.ReadAllAsync(CancellationToken.None))
            {
                yield return update;
            }
        }
        finally
        {
            await requestCancellation.CancelAsync();
        }
    }

    /// <summary>The tokens a request's prompt becomes (template applied, fitted to the context); benchmarks feed them to their baselines.</summary>
    internal async Task<int[]> PromptTokensAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        var scheduler = await ReadySchedulerAsync(cancellationToken);
        return PromptFitter.Prepare(request, scheduler, _options.MinAnswerTokens, cancellationToken).PromptTokens;
    }

    public async ValueTask DisposeAsync()
    {
        // The container may dispose the one instance twice (as itself and as IInferenceEngine).
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _idleTimer.DisposeAsync();
        await _lifecycle.WaitAsync();
        try
        {
            await StopSchedulerAsync("The server is shutting down.");
        }
        finally
        {
            _lifecycle.Release();
        }

        _lifecycle.Dispose();
    }

    private async Task LoadLockedAsync(ModelLoadOptions options, CancellationToken cancellationToken)
    {
        if (_scheduler is { StopReason: null } && options == _lastOptions)
        {
            // The same model with the same settings is already serving: keep its requests and caches.
            return;
        }

        await StopSchedulerAsync($"The model was switched to {Path.GetFileName(options.ModelPath)}.");
        _lastOptions = options;
        _sleeping = false;
        var name = options.DisplayName ?? Path.GetFileNameWithoutExtension(options.ModelPath);
        Publish(new EngineStatus(EngineState.Loading, options.ModelPath, name));
        var progress = new InlineProgress<double>(p =>
        {
            if (_status.State == EngineState.Loading && _status.ModelPath == options.ModelPath)
            {
                Publish(_status with { LoadProgress = p });
            }
        });
        try
        {
            var backend = await _loader.LoadAsync(options, progress, cancellationToken);
            var scheduler = new Scheduler(backend, _options, _time, _loggerFactory.CreateLogger<Scheduler>(), _userCounts);
            scheduler.CountsChanged += OnCountsChanged;
            scheduler.StepCompleted += step => StepCompleted?.Invoke(step);
            _scheduler = scheduler;
            _ = WatchForFailureAsync(scheduler);
            Publish(new EngineStatus(EngineState.Ready, options.ModelPath, options.DisplayName ?? backend.ModelName, 1) { WeightBuffers = backend.WeightBuffers, ContextPerSequence = options.ContextPerSequence });
            _logger.LogInformation("Loaded {Model} with {Sequences} sequences of {Context} tokens; weights in {Buffers}", backend.ModelName, options.ParallelSequences,
                options.ContextPerSequence, backend.WeightBuffers.Count == 0 ? "(not reported)" : string.Join(", ", backend.WeightBuffers));
            ArmIdleTimer();
        }
        catch (OperationCanceledException)
        {
            Publish(EngineStatus.Empty);
            throw;
        }
        catch (EngineException exception)
        {
            Publish(new EngineStatus(EngineState.Failed, options.ModelPath, name, Error: exception.Message));
            throw;
        }
    }

    private async Task<Scheduler> ReadySchedulerAsync(CancellationToken cancellationToken)
    {
        if (_scheduler is { StopReason: null } running)
        {
            return running;
        }

        await _lifecycle.WaitAsync(cancellationToken);
        try
        {
            if (_scheduler is null && _sleeping && _lastOptions is { } options)
            {
                _logger.LogInformation("Reloading {Model} after the idle unload", options.ModelPath);
                await LoadLockedAsync(options, cancellationToken);
            }

            return _scheduler is { StopReason: null } scheduler
                ? scheduler
                : throw new ModelNotReadyException(_status.Error ?? "No model is loaded. An administrator can load one on the Models page.");
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task StopSchedulerAsync(string reason)
    {
        if (_scheduler is not { } scheduler)
        {
            return;
        }

        _scheduler = null;
        _idleTimer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        await scheduler.StopAsync(reason);
        scheduler.CountsChanged -= OnCountsChanged;
    }

    private async Task UnloadWhenIdleAsync()
    {
        if (!await _lifecycle.WaitAsync(0))
        {
            return;
        }

        try
        {
            if (_scheduler is { ActiveSequences: 0, QueuedRequests: 0 })
            {
                _logger.LogInformation("Unloading the model after {KeepAlive} without requests", _options.KeepAlive);
                var path = _status.ModelPath;
                await StopSchedulerAsync("The model was unloaded after being idle.");
                _sleeping = true;
                Publish(EngineStatus.Empty with { ModelPath = path });
            }
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task WatchForFailureAsync(Scheduler scheduler)
    {
        await scheduler.Completion;
        if (scheduler.Failed && _status.State == EngineState.Ready)
        {
            Publish(_status with { State = EngineState.Failed, Error = scheduler.StopReason });
        }
    }

    private void OnCountsChanged()
    {
        if (_scheduler is not { } scheduler)
        {
            return;
        }

        var status = _status;
        if (status.State == EngineState.Ready)
        {
            Publish(status with { ActiveSequences = scheduler.ActiveSequences, QueuedRequests = scheduler.QueuedRequests });
        }

        ArmIdleTimer();
    }

    private void ArmIdleTimer()
    {
        if (_options.KeepAlive is { } keepAlive && _scheduler is { ActiveSequences: 0, QueuedRequests: 0 })
        {
            _idleTimer.Change(keepAlive, Timeout.InfiniteTimeSpan);
        }
    }

    private void Publish(EngineStatus status)
    {
        _status = status;
        _subscribers.Notify(status, exception => _logger.LogError(exception, "An engine status subscriber failed"));
    }
}
