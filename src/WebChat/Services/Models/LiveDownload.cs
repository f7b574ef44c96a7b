using WebChat.Data.Entities;
using WebChat.Engine.Downloads;

namespace WebChat.Services.Models;

/// <summary>One download running in this process: its row, the engine's job and the bookkeeping of throttled writes.</summary>
internal sealed class LiveDownload(Download row, ModelDownload download)
{
    private readonly List<IDisposable> _subscriptions = [];

    public Guid Id => Row.Id;
    public Download Row { get; } = row;
    public ModelDownload Download { get; } = download;
    public DownloadView View { get; set; } = DownloadView.From(row);
    public bool IsFinal { get; set; }
    public bool FinalSaved { get; set; }
    public DownloadState? SavedState { get; set; }
    public DateTimeOffset SavedAt { get; set; }
    public SemaphoreSlim SaveGate { get; } = new(1, 1);
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Subscribe(Action onProgress)
    {
        lock (_subscriptions)
        {
            _subscriptions.AddRange(Download.Parts.Select(p => p.Subscribe(_ => onProgress())));
        }
    }

    public void Unsubscribe()
    {
        lock (_subscriptions)
        {
            _subscriptions.ForEach(s => s.Dispose());
            _subscriptions.Clear();
        }
    }

    public DownloadView Snapshot()
    {
        var parts = Download.Parts.Select(p => p.Progress).ToList();
        var total = parts.Sum(p => p.TotalBytes);
        var done = parts.Sum(p => p.BytesDone);
        var speed = parts.Sum(p => p.BytesPerSecond);
        var state = StateOf(parts);
        var eta = state == DownloadState.Downloading && speed > 0 && total > 0 ? TimeSpan.FromSeconds((total - done) / speed) : (TimeSpan?)null;
        return View with
        {
            State = state,
            BytesDone = done,
            TotalBytes = total,
            BytesPerSecond = state == DownloadState.Downloading ? speed : 0,
            Eta = eta,
            Error = parts.FirstOrDefault(p => p.Error is not null)?.Error,
        };
    }

    // A model is as far as its slowest part; "all parts done" stays Verifying until the rows are written.
    private static DownloadState StateOf(IReadOnlyList<DownloadProgress> parts) =>
        parts.Any(p => p.State == DownloadState.Failed) ? DownloadState.Failed
        : parts.Any(p => p.State == DownloadState.Cancelled) ? DownloadState.Cancelled
        : parts.All(p => p.State == DownloadState.Completed) ? DownloadState.Verifying
        : parts.Any(p => p.State is DownloadState.Downloading or DownloadState.Resolving) ? DownloadState.Downloading
        : parts.Any(p => p.State == DownloadState.Verifying) ? DownloadState.Verifying
        : parts.Any(p => p.State == DownloadState.Paused) ? DownloadState.Paused
        : DownloadState.Queued;
}
