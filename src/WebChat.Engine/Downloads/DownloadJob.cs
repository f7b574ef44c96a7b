using Microsoft.Extensions.Logging;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;

namespace WebChat.Engine.Downloads;

/// <summary>One file's download as people see it: state, progress, pause, resume, cancel; the bytes move in <see cref="FileTransfer"/>.</summary>
/// <remarks>Runs on its own cancellation (pause, cancel, manager shutdown), never on a caller's; callers wait with WaitAsync.</remarks>
public sealed partial class DownloadJob
{
    private readonly DownloadContext _context;
    // Replaced when a failed download is resumed: a completed source cannot start over.
    private TaskCompletionSource<string> _completion = NewCompletion();
    private readonly ProgressMeter _meter;
    private readonly Observers<DownloadProgress> _observers = new();
    private readonly FileTransfer _transfer;

    // Guards _run, _runSource, _cancelRequested and _state transitions made by Pause, Resume and Cancel.
    private readonly Lock _gate = new();
    private Task _run = Task.CompletedTask;
    private CancellationTokenSource? _runSource;
    private bool _cancelRequested;
    private DownloadState _state = DownloadState.Queued;
    private string? _error;

    internal DownloadJob(DownloadKey key, DownloadContext context)
    {
        Key = key;
        _context = context;
        _meter = new ProgressMeter(context.TimeProvider);
        _transfer = new FileTransfer(key, context, _meter, SetState);
    }

    public DownloadKey Key { get; }

    public DownloadState State => _state;

    /// <summary>The content's sha256 as the Hub gave it (known once the file is resolved).</summary>
    public string? Sha256 => _transfer.Sha256;

    /// <summary>The commit the revision resolved to (known once the file is resolved).</summary>
    public string? Commit => _transfer.Commit;

    /// <summary>Completes with the installed file's path; faults with a typed error; is cancelled by Cancel. Resuming a failed job gives it a new one.</summary>
    public Task<string> Completion => _completion.Task;

    /// <summary>Time from the last byte received to the verified rename (what verification adds to a download).</summary>
    public TimeSpan VerificationTime => _transfer.VerificationTime;

    /// <summary>Total time spent hashing, most of it overlapped with downloading.</summary>
    public TimeSpan HashingTime => _transfer.HashingTime;

    public DownloadProgress Progress => new(Key, _state, _meter.BytesDone, _transfer.TotalBytes, _meter.BytesPerSecond,
        _state == DownloadState.Downloading ? _meter.Eta(_transfer.TotalBytes) : null, _error);

    /// <summary>Waits for the job without tying the job to the caller's cancellation.</summary>
    public Task<string> WaitAsync(CancellationToken cancellationToken = default) => Completion.WaitAsync(cancellationToken);

    /// <summary>Calls the observer on every progress tick and state change until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Action<DownloadProgress> observer) => _observers.Add(observer);

    /// <summary>Stops the transfer and keeps the .part file and resume map.</summary>
    public void Pause()
    {
        lock (_gate)
        {
            _runSource?.Cancel();
        }
    }

    /// <summary>Continues a paused (or failed) download from its resume map.</summary>
    public void Resume()
    {
        lock (_gate)
        {
            if (!_run.IsCompleted || _cancelRequested)
            {
                return;
            }

            if (_completion.Task.IsFaulted)
            {
                _completion = NewCompletion();
            }

            if (!_completion.Task.IsCompleted)
            {
                StartRun();
            }
        }
    }

    /// <summary>Stops the transfer and deletes the partial file.</summary>
    public void Cancel()
    {
        lock (_gate)
        {
            _cancelRequested = true;
            if (_run.IsCompleted)
            {
                _transfer.DeletePartial();
                Finish(DownloadState.Cancelled, null);
                _completion.TrySetCanceled();
                return;
            }

            _runSource?.Cancel();
        }
    }

    private static TaskCompletionSource<string> NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal bool IsActive => !_completion.Task.IsCompleted && _state != DownloadState.Paused;

    internal void Start()
    {
        lock (_gate)
        {
            StartRun();
        }
    }

    internal Task StopForShutdownAsync()
    {
        Pause();
        return _run;
    }

    private void StartRun()
    {
        _runSource?.Dispose();
        _runSource = CancellationTokenSource.CreateLinkedTokenSource(_context.Shutdown);
        _error = null;
        var token = _runSource.Token;
        _run = Task.Run(() => RunAsync(token), CancellationToken.None);
    }

    private async Task RunAsync(CancellationToken token)
    {
        var holdsSlot = false;
        try
        {
            SetState(DownloadState.Queued);
            await _context.Slots.WaitAsync(token);
            holdsSlot = true;
            using var ticker = _context.TimeProvider.CreateTimer(_ => Tick(), null, _context.Options.ProgressInterval, _context.Options.ProgressInterval);
            var path = await _transfer.RunAsync(token);
            Finish(DownloadState.Completed, null);
            _completion.TrySetResult(path);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            OnStopped();
        }
        catch (Exception exception)
        {
            // Logged here, once: whoever waits for the job shows the words and does not log it again.
            if (DownloadFailures.IsExpected(exception))
            {
                LogFailed(_context.Logger, Key.ToString(), exception.Message);
            }
            else
            {
                LogUnexpected(_context.Logger, exception, Key.ToString());
            }

            Finish(DownloadState.Failed, DownloadFailures.Describe(exception));
            _completion.TrySetException(exception);
        }
        finally
        {
            if (holdsSlot)
            {
                _context.Slots.Release();
            }
        }
    }

    private void OnStopped()
    {
        lock (_gate)
        {
            if (_cancelRequested)
            {
                _transfer.DeletePartial();
                Finish(DownloadState.Cancelled, null);
                _completion.TrySetCanceled();
            }
            else
            {
                Finish(DownloadState.Paused, null);
            }
        }
    }

    private void Tick()
    {
        _meter.Sample();
        Publish();
    }

    private void SetState(DownloadState state)
    {
        _state = state;
        Publish();
    }

    private void Finish(DownloadState state, string? error)
    {
        _error = error;
        SetState(state);
    }

    private void Publish()
    {
        var snapshot = Progress;
        _observers.Notify(snapshot, exception => LogObserverFailed(_context.Logger, exception, Key.ToString()));

        _context.OnProgress(snapshot);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A progress observer of download {Key} failed")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Download {Key} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Download {Key} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string key);
}
