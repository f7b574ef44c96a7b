using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Polly;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;

namespace WebChat.Engine.Downloads;

/// <summary>One file's download: parallel byte ranges into a .part file, a resume map, pipelined sha256, then a rename into the store.</summary>
/// <remarks>Runs on its own cancellation (pause, cancel, manager shutdown), never on a caller's; callers wait with WaitAsync.</remarks>
public sealed partial class DownloadJob
{
    private const int BufferSize = 128 * 1024;
    private readonly DownloadContext _context;
    private readonly TaskCompletionSource<string> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ProgressMeter _meter;
    private readonly List<Action<DownloadProgress>> _observers = [];

    // Guards _run, _runSource, _cancelRequested and _state transitions made by Pause, Resume and Cancel.
    private readonly Lock _gate = new();
    private Task _run = Task.CompletedTask;
    private CancellationTokenSource? _runSource;
    private bool _cancelRequested;
    private DownloadState _state = DownloadState.Queued;
    private string? _error;
    private long _totalBytes;

    internal DownloadJob(DownloadKey key, DownloadContext context)
    {
        Key = key;
        _context = context;
        _meter = new ProgressMeter(context.TimeProvider);
    }

    public DownloadKey Key { get; }

    public DownloadState State => _state;

    /// <summary>The content's sha256 as the Hub gave it (known once the file is resolved).</summary>
    public string? Sha256 { get; private set; }

    /// <summary>The commit the revision resolved to (known once the file is resolved).</summary>
    public string? Commit { get; private set; }

    /// <summary>Completes with the installed file's path; faults with a typed error; is cancelled by Cancel.</summary>
    public Task<string> Completion => _completion.Task;

    /// <summary>Time from the last byte received to the verified rename (what verification adds to a download).</summary>
    public TimeSpan VerificationTime { get; private set; }

    /// <summary>Total time spent hashing, most of it overlapped with downloading.</summary>
    public TimeSpan HashingTime { get; private set; }

    public DownloadProgress Progress => new(Key, _state, _meter.BytesDone, _totalBytes, _meter.BytesPerSecond,
        _state == DownloadState.Downloading ? _meter.Eta(_totalBytes) : null, _error);

    /// <summary>Waits for the job without tying the job to the caller's cancellation.</summary>
    public Task<string> WaitAsync(CancellationToken cancellationToken = default) => Completion.WaitAsync(cancellationToken);

    /// <summary>Calls the observer on every progress tick and state change until the returned handle is disposed.</summary>
    public IDisposable Subscribe(Action<DownloadProgress> observer)
    {
        lock (_observers)
        {
            _observers.Add(observer);
        }

        return new Unsubscriber(() =>
        {
            lock (_observers)
            {
                _observers.Remove(observer);
            }
        });
    }

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
            if (_run.IsCompleted && !_completion.Task.IsCompleted && !_cancelRequested)
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
                DeletePartial();
                Finish(DownloadState.Cancelled, null);
                _completion.TrySetCanceled();
                return;
            }

            _runSource?.Cancel();
        }
    }

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
            var path = await DownloadAsync(token);
            Finish(DownloadState.Completed, null);
            _completion.TrySetResult(path);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            OnStopped();
        }
        catch (Exception exception) when (exception is HubException or DownloadException or StorageException or IOException or UnauthorizedAccessException)
        {
            LogFailed(_context.Logger, Key.ToString(), exception.Message);
            Finish(DownloadState.Failed, exception.Message);
            _completion.TrySetException(exception);
        }
        catch (Exception exception)
        {
            LogUnexpected(_context.Logger, exception, Key.ToString());
            Finish(DownloadState.Failed, $"The download failed unexpectedly: {exception.Message}");
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
                DeletePartial();
                Finish(DownloadState.Cancelled, null);
                _completion.TrySetCanceled();
            }
            else
            {
                Finish(DownloadState.Paused, null);
            }
        }
    }

    private async Task<string> DownloadAsync(CancellationToken token)
    {
        SetState(DownloadState.Resolving);
        var location = await _context.Hub.ResolveFileAsync(Key.Repo, Key.Revision, Key.FileName, token);
        var sha256 = location.Sha256 ?? throw new DownloadNotVerifiableException(Key.ToString());
        Sha256 = sha256;
        Commit = location.Commit;
        var finalPath = _context.Store.PathFor(Key.Repo, Key.FileName);
        _totalBytes = location.Size;
        if (File.Exists(finalPath) && new FileInfo(finalPath).Length == location.Size)
        {
            _meter.Reset(location.Size);
            return finalPath;
        }

        var partPath = finalPath + ModelStore.PartSuffix;
        var mapPath = finalPath + ModelStore.ResumeMapSuffix;
        var map = (File.Exists(partPath) ? ResumeMap.TryLoad(mapPath, location.Size, sha256) : null)
                  ?? ResumeMap.Create(location.Size, sha256, _context.Options.ChunkSize);

        // Checked before the .part file exists, so a full disk fails with nothing written.
        _context.Store.EnsureSpace(location.Size - map.CompletedBytes + _context.Options.DiskHeadroomBytes);
        Directory.CreateDirectory(Path.GetDirectoryName(finalPath)!);
        string actual;
        using (var file = File.OpenHandle(partPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, FileOptions.Asynchronous))
        {
            if (RandomAccess.GetLength(file) != location.Size)
            {
                RandomAccess.SetLength(file, location.Size);
            }

            map.Save(mapPath);
            actual = await TransferAndHashAsync(location, map, file, mapPath, token);
        }

        if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
        {
            DeletePartial();
            throw new DownloadVerificationException(Key.ToString(), sha256, actual);
        }

        File.Move(partPath, finalPath, overwrite: true);
        File.Delete(mapPath);
        LogInstalled(_context.Logger, Key.ToString(), finalPath);
        return finalPath;
    }

    private async Task<string> TransferAndHashAsync(HubFileLocation location, ResumeMap map, SafeFileHandle file, string mapPath, CancellationToken token)
    {
        _meter.Reset(map.CompletedBytes);
        SetState(DownloadState.Downloading);
        using var ticker = _context.TimeProvider.CreateTimer(_ => Tick(), null, _context.Options.ProgressInterval, _context.Options.ProgressInterval);
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(token);
        await using var hasher = new PipelinedHasher(file, map, failFast.Token);
        var pending = new ConcurrentQueue<int>(Enumerable.Range(0, map.ChunkCount).Where(i => !map.Done[i]));
        var workers = Enumerable.Range(0, Math.Max(1, Math.Min(_context.Options.Connections, pending.Count)))
            .Select(_ => RunWorkerAsync(pending, location, map, file, mapPath, hasher, failFast))
            .ToArray();
        await WhenAllOrFirstFailureAsync(workers, token);

        var lastByte = Stopwatch.GetTimestamp();
        SetState(DownloadState.Verifying);
        var actual = await hasher.FinishAsync();
        VerificationTime = Stopwatch.GetElapsedTime(lastByte);
        HashingTime = hasher.HashingTime;
        return actual;
    }

    private async Task RunWorkerAsync(
        ConcurrentQueue<int> pending, HubFileLocation location, ResumeMap map, SafeFileHandle file, string mapPath,
        PipelinedHasher hasher, CancellationTokenSource failFast)
    {
        try
        {
            while (pending.TryDequeue(out var chunk))
            {
                await DownloadChunkAsync(chunk, location, map, file, failFast.Token);
                lock (map)
                {
                    map.Done[chunk] = true;
                    map.Save(mapPath);
                }

                hasher.MarkReady(chunk);
            }
        }
        catch when (!failFast.IsCancellationRequested)
        {
            await failFast.CancelAsync();
            throw;
        }
    }

    private static async Task WhenAllOrFirstFailureAsync(Task[] workers, CancellationToken token)
    {
        try
        {
            await Task.WhenAll(workers);
        }
        catch when (!token.IsCancellationRequested)
        {
            var first = workers.Where(w => w.IsFaulted).Select(w => w.Exception!.InnerException!).FirstOrDefault();
            if (first is not null)
            {
                ExceptionDispatchInfo.Throw(first);
            }

            throw;
        }
    }

    /// <summary>Fetches one range, continuing after drops from the last byte written; a stall or drop is retried with backoff.</summary>
    private async Task DownloadChunkAsync(int chunk, HubFileLocation location, ResumeMap map, SafeFileHandle file, CancellationToken token)
    {
        var start = map.ChunkStart(chunk);
        var end = start + map.ChunkLength(chunk);
        var written = 0L;
        try
        {
            await FetchRangeWithRetriesAsync();
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException or DownloadStalledException or HubOfflineException && !token.IsCancellationRequested)
        {
            throw new DownloadTransferException(Key.ToString(), exception);
        }

        Task FetchRangeWithRetriesAsync() => _context.RangeRetry.ExecuteAsync(async attemptToken =>
        {
            var offset = start + written;
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(attemptToken);
            stall.CancelAfter(_context.Options.StallTimeout);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                using var response = await _context.Hub.GetRangeAsync(location.DownloadUri, offset, end - 1, Key.ToString(), stall.Token);
                await using var body = await response.Content.ReadAsStreamAsync(stall.Token);
                while (offset < end)
                {
                    var read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, end - offset)), stall.Token);
                    if (read == 0)
                    {
                        throw new IOException($"The server closed the connection at byte {offset} of {Key}.");
                    }

                    await RandomAccess.WriteAsync(file, buffer.AsMemory(0, read), offset, attemptToken);
                    offset += read;
                    written += read;
                    _meter.Add(read);
                    stall.CancelAfter(_context.Options.StallTimeout);
                }
            }
            catch (OperationCanceledException) when (stall.IsCancellationRequested && !attemptToken.IsCancellationRequested)
            {
                throw new DownloadStalledException(Key.ToString(), offset, _context.Options.StallTimeout);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }, token).AsTask();
    }

    private void DeletePartial()
    {
        try
        {
            var finalPath = _context.Store.PathFor(Key.Repo, Key.FileName);
            File.Delete(finalPath + ModelStore.PartSuffix);
            File.Delete(finalPath + ModelStore.ResumeMapSuffix);
        }
        catch (IOException exception)
        {
            LogFailed(_context.Logger, Key.ToString(), $"could not delete the partial file: {exception.Message}");
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
        Action<DownloadProgress>[] observers;
        lock (_observers)
        {
            observers = [.. _observers];
        }

        foreach (var observer in observers)
        {
            observer(snapshot);
        }

        _context.OnProgress(snapshot);
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Download {Key} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string key, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Download {Key} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloaded and verified {Key} into {Path}")]
    private static partial void LogInstalled(ILogger logger, string key, string path);
}
