using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine;
using WebChat.Engine.Downloads;
using WebChat.Engine.Gguf;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;

namespace WebChat.Services.Models;

/// <summary>
/// Downloads Hub files for admins and keeps each as a Download row (state, bytes, error, who asked), with throttled
/// progress writes; a verified download becomes InstalledModel rows. A singleton: jobs outlive the page that started them.
/// </summary>
public sealed partial class ModelDownloadService(
    IDbContextFactory<WebChatDbContext> dbFactory,
    DownloadManager manager,
    HubClient hub,
    InstalledModelRecorder recorder,
    TimeProvider time,
    ILogger<ModelDownloadService> logger) : IDisposable
{
    /// <summary>Progress reaches the database at most this often; state changes are written at once.</summary>
    public static readonly TimeSpan PersistInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<Guid, LiveDownload> _live = new();

    // Rows whose job is being started (the Hub is asked for sizes first): not interrupted, just not live yet.
    private readonly ConcurrentDictionary<Guid, byte> _starting = new();
    private readonly Observers<DownloadView> _observers = new();
    private readonly DownloadRows _rows = new(dbFactory);

    // One start at a time: two concurrent starts of the same file would otherwise both insert a row.
    private readonly SemaphoreSlim _startGate = new(1, 1);

    /// <summary>The Hub (or mirror) downloads come from.</summary>
    public Uri HubAddress => hub.Endpoint;

    /// <summary>A file's size on the Hub; null when the Hub does not answer in time (a hint, never a step of a download).</summary>
    public async Task<long?> SizeOnHubAsync(string repo, string fileName, string revision = "main", CancellationToken cancellationToken = default)
    {
        if (!RepoId.TryParse(repo, out var id))
        {
            return null;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            return (await hub.ResolveFileAsync(id, revision, fileName, timeout.Token)).Size;
        }
        catch (Exception error) when (error is HubException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Starts (or joins, or resumes) the download of one GGUF file and returns its Download id. Admins only.</summary>
    public async Task<Guid> StartAsync(ClaimsPrincipal user, string repo, string fileName, string revision = "main", CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        if (!RepoId.TryParse(repo, out _))
        {
            throw new ModelOperationException($"'{repo}' is not a Hub repository name (owner/name).");
        }

        await _startGate.WaitAsync(cancellationToken);
        try
        {
            if (_live.Values.FirstOrDefault(l => l.Row.Repo == repo && l.Row.FileName == fileName && l.Row.Revision == revision && !l.IsFinal) is { } running)
            {
                running.Download.Resume();
                return running.Id;
            }

            var row = await _rows.FindUnfinishedAsync(repo, fileName, revision, cancellationToken) ?? new Download
            {
                Repo = repo,
                FileName = fileName,
                Revision = revision,
                RequestedByUserId = user.FindFirstValue(ClaimTypes.NameIdentifier),
                StartedAt = time.GetUtcNow().UtcDateTime,
            };
            return await StartRowAsync(row, cancellationToken);
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>Recent downloads, newest first; live ones with their current speed and ETA.</summary>
    public async Task<IReadOnlyList<DownloadView>> ListAsync(int count = 20, CancellationToken cancellationToken = default)
    {
        var rows = await _rows.NewestAsync(count, cancellationToken);
        return [.. rows.Select(r => _live.TryGetValue(r.Id, out var live)
            ? live.View
            : DownloadView.From(r, isInterrupted: DownloadRows.IsUnfinished(r.State) && !_starting.ContainsKey(r.Id)))];
    }

    public void Pause(ClaimsPrincipal user, Guid id)
    {
        ModelPermissions.EnsureCanManage(user);
        LiveOrThrow(id).Download.Pause();
    }

    /// <summary>Resumes a paused download, or one a restart interrupted (from the finished ranges on disk).</summary>
    public async Task ResumeAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        await _startGate.WaitAsync(cancellationToken);
        try
        {
            if (_live.TryGetValue(id, out var live))
            {
                live.Download.Resume();
                return;
            }

            await StartRowAsync(await _rows.UnfinishedAsync(id, cancellationToken), cancellationToken);
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>Stops a download and deletes its partial file.</summary>
    public async Task CancelAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        if (_live.TryGetValue(id, out var live))
        {
            live.Download.Cancel();
            return;
        }

        var row = await _rows.UnfinishedAsync(id, cancellationToken);
        manager.Discard(RepoId.Parse(row.Repo), row.FileName);

        var view = DownloadView.From(row) with { State = DownloadState.Cancelled, FinishedAt = time.GetUtcNow().UtcDateTime };
        await _rows.WriteAsync(view, cancellationToken);
        Publish(view);
    }

    /// <summary>Forgets finished downloads (completed, failed, cancelled) so the list shows what matters; installed models stay.</summary>
    public async Task<int> ClearFinishedAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        ModelPermissions.EnsureCanManage(user);
        return await _rows.DeleteFinishedAsync([.. _live.Keys], cancellationToken);
    }

    /// <summary>Completes when the download has finished and its rows are written (at once when it is not running).</summary>
    public Task WaitAsync(Guid id, CancellationToken cancellationToken = default) =>
        _live.TryGetValue(id, out var live) ? live.Done.Task.WaitAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>Calls the observer on every progress tick and state change of any download until disposed.</summary>
    public IDisposable Subscribe(Action<DownloadView> observer) => _observers.Add(observer);

    public void Dispose()
    {
        foreach (var live in _live.Values)
        {
            live.Unsubscribe();
        }
    }

    private async Task<Guid> StartRowAsync(Download row, CancellationToken cancellationToken)
    {
        row.State = DownloadState.Queued;
        row.Error = null;
        row.FinishedAt = null;
        _starting[row.Id] = 0;
        LiveDownload live;
        try
        {
            await _rows.SaveAsync(row, cancellationToken);
            Publish(DownloadView.From(row));
            var download = await manager.StartModelAsync(RepoId.Parse(row.Repo), row.FileName, row.Revision, cancellationToken);
            live = _live[row.Id] = new LiveDownload(row, download);
        }
        catch (Exception error) when (DownloadFailures.IsExpected(error))
        {
            var failed = DownloadView.From(row) with { State = DownloadState.Failed, Error = error.Message, FinishedAt = time.GetUtcNow().UtcDateTime };
            await _rows.WriteAsync(failed, CancellationToken.None);
            Publish(failed);
            throw new ModelOperationException(error.Message, error);
        }
        finally
        {
            _starting.TryRemove(row.Id, out _);
        }

        live.Subscribe(() => OnProgress(live));
        OnProgress(live);
        _ = Task.Run(() => WatchAsync(live), CancellationToken.None);
        return row.Id;
    }

    private void OnProgress(LiveDownload live)
    {
        DownloadView view;
        bool persist;
        lock (live)
        {
            if (live.IsFinal)
            {
                return;
            }

            view = live.View = live.Snapshot();
            var now = time.GetUtcNow();
            persist = view.State != live.SavedState || now - live.SavedAt >= PersistInterval;
            if (persist)
            {
                live.SavedState = view.State;
                live.SavedAt = now;
            }
        }

        Publish(view);
        if (persist)
        {
            _ = PersistAsync(live, view, final: false);
        }
    }

    // Detached from any page: waits for the job, records the installed model, writes the final state once.
    private async Task WatchAsync(LiveDownload live)
    {
        var final = await FinishAsync(live);
        final = final with { FinishedAt = time.GetUtcNow().UtcDateTime };
        lock (live)
        {
            live.IsFinal = true;
            live.View = final;
        }

        await PersistAsync(live, final, final: true);
        live.Unsubscribe();
        _live.TryRemove(live.Id, out _);
        Publish(final);
        live.Done.TrySetResult();
    }

    private async Task<DownloadView> FinishAsync(LiveDownload live)
    {
        DownloadView Stopped() => live.Snapshot() with { BytesPerSecond = 0, Eta = null };
        try
        {
            await live.Download.WaitAsync(CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            return Stopped() with { State = DownloadState.Cancelled };
        }
        catch (Exception error)
        {
            // The job has logged it and put its words in its progress.
            var failed = Stopped();
            return failed with { State = DownloadState.Failed, Error = failed.Error ?? DownloadFailures.Describe(error) };
        }

        try
        {
            await recorder.RecordDownloadAsync(live.Download, live.Row.Revision, CancellationToken.None);
            return live.Snapshot() with { State = DownloadState.Completed, BytesDone = live.Download.TotalBytes, BytesPerSecond = 0, Eta = null };
        }
        catch (Exception error) when (DownloadFailures.IsExpected(error) || error is GgufFormatException)
        {
            RemoveUnreadableFiles(live, error);
            return Stopped() with { State = DownloadState.Failed, Error = error.Message };
        }
        catch (Exception error)
        {
            LogUnexpected(logger, error, live.Row.Repo, live.Row.FileName);
            return Stopped() with { State = DownloadState.Failed, Error = DownloadFailures.Describe(error) };
        }
    }

    // A verified file whose header cannot be read would sit in the folder unrecorded: remove it.
    private void RemoveUnreadableFiles(LiveDownload live, Exception error)
    {
        if (error is not GgufFormatException)
        {
            return;
        }

        foreach (var part in live.Download.Parts)
        {
            manager.Store.DeleteFile(part.Key.Repo, part.Key.FileName);
        }
    }

    private async Task PersistAsync(LiveDownload live, DownloadView view, bool final)
    {
        await live.SaveGate.WaitAsync(CancellationToken.None);
        try
        {
            if (live.FinalSaved)
            {
                return;
            }

            await _rows.WriteAsync(view, CancellationToken.None);
            live.FinalSaved = final;
        }
        catch (Exception error) when (error is DbUpdateException or InvalidOperationException or ObjectDisposedException)
        {
            LogPersistFailed(logger, error, view.Repo, view.FileName);
        }
        finally
        {
            live.SaveGate.Release();
        }
    }

    private LiveDownload LiveOrThrow(Guid id) =>
        _live.TryGetValue(id, out var live) ? live : throw new ModelOperationException("That download is not running.");

    private void Publish(DownloadView view)
    {
        _observers.Notify(view, error => LogObserverFailed(logger, error, view.Repo, view.FileName));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Download of {Repo}/{File} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception error, string repo, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A download observer failed on {Repo}/{File}; it was skipped")]
    private static partial void LogObserverFailed(ILogger logger, Exception error, string repo, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not save the progress of {Repo}/{File}")]
    private static partial void LogPersistFailed(ILogger logger, Exception error, string repo, string file);
}
