using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;
using WebChat.Engine.Downloads;
using WebChat.Engine.Catalog;

namespace WebChat.Cli;

/// <summary>
/// Shows each file of a pull until it ends: a bar per file with bytes, speed and time left on a terminal; elsewhere a
/// plain line per file when its state changes and at every tenth of the file.
/// </summary>
internal sealed class PullProgressView(CliConsole console, IReadOnlyList<string> files)
{
    private static readonly TimeSpan LiveRefresh = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan PlainRefresh = TimeSpan.FromMilliseconds(500);

    // The newest progress of each file, written by the download manager's threads; guarded by itself.
    private readonly Dictionary<string, DownloadProgress> _latest = [];

    /// <summary>Takes a file's progress (any thread); other files are ignored.</summary>
    public void Report(DownloadProgress progress)
    {
        if (!files.Contains(progress.Key.FileName, StringComparer.Ordinal))
        {
            return;
        }

        lock (_latest)
        {
            _latest[progress.Key.FileName] = progress;
        }
    }

    /// <summary>Draws until <paramref name="done"/> completes or <paramref name="stop"/> says so, then draws the last state once more.</summary>
    public Task ShowAsync(Task done, Func<bool> stop) => console.IsLive ? ShowBarsAsync(done, stop) : ShowLinesAsync(done, stop);

    internal static string Line(DownloadProgress p)
    {
        var state = p.State.ToString().ToLowerInvariant();
        if (p.TotalBytes <= 0)
        {
            return $"{p.Key.FileName}: {state}";
        }

        var line = string.Create(CultureInfo.InvariantCulture,
            $"{p.Key.FileName}: {state} {p.Fraction * 100:0}% {ByteSizes.Format(p.BytesDone)} of {ByteSizes.Format(p.TotalBytes)}");
        return p.State == DownloadState.Downloading && p.BytesPerSecond > 0 ? $"{line}, {Rate(p)}" : line;
    }

    private static string Rate(DownloadProgress p) =>
        $"{ByteSizes.Format((long)p.BytesPerSecond)}/s, ETA {(p.Eta is { } left ? left.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--")}";

    private Dictionary<string, DownloadProgress> Snapshot()
    {
        lock (_latest)
        {
            return new Dictionary<string, DownloadProgress>(_latest, StringComparer.Ordinal);
        }
    }

    private async Task ShowLinesAsync(Task done, Func<bool> stop)
    {
        var printed = new Dictionary<string, (DownloadState State, int Tenth)>(StringComparer.Ordinal);
        while (true)
        {
            var last = done.IsCompleted || stop();
            foreach (var progress in files.Select(f => Snapshot().GetValueOrDefault(f)).OfType<DownloadProgress>())
            {
                var tenth = (int)(progress.Fraction * 10);
                if (!printed.TryGetValue(progress.Key.FileName, out var before) || before.State != progress.State
                    || (progress.State == DownloadState.Downloading && tenth > before.Tenth))
                {
                    printed[progress.Key.FileName] = (progress.State, tenth);
                    await console.Writer.WriteLineAsync(Line(progress));
                }
            }

            if (last)
            {
                return;
            }

            await Task.WhenAny(done, Task.Delay(PlainRefresh));
        }
    }

    private Task ShowBarsAsync(Task done, Func<bool> stop) => console.Ansi.Progress()
        .AutoClear(false)
        .AutoRefresh(false)
        .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn { Width = 24 }, new PercentageColumn(), new DownloadedColumn(), new RateColumn())
        .StartAsync(async context =>
        {
            var bars = files.ToDictionary(f => f, f => context.AddTask(Markup.Escape(f), autoStart: true, maxValue: 1), StringComparer.Ordinal);
            foreach (var bar in bars.Values)
            {
                bar.IsIndeterminate = true;
            }

            while (true)
            {
                var last = done.IsCompleted || stop();
                var snapshot = Snapshot();
                foreach (var (file, bar) in bars)
                {
                    if (snapshot.GetValueOrDefault(file) is { } progress)
                    {
                        Update(bar, progress);
                    }
                }

                context.Refresh();
                if (last)
                {
                    return;
                }

                await Task.WhenAny(done, Task.Delay(LiveRefresh));
            }
        });

    private static void Update(ProgressTask bar, DownloadProgress progress)
    {
        bar.Tag = progress;
        if (progress.TotalBytes > 0)
        {
            bar.IsIndeterminate = false;
            bar.MaxValue = progress.TotalBytes;
            bar.Value = progress.BytesDone;
        }

        if (progress.IsFinished || progress.State == DownloadState.Paused)
        {
            bar.StopTask();
        }
    }

    /// <summary>The engine's own smoothed speed and time left (the figures the web page shows), or the state when not downloading.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) => task.Tag switch
        {
            DownloadProgress { State: DownloadState.Downloading, BytesPerSecond: > 0 } p => new Text(Rate(p)),
            DownloadProgress { State: DownloadState.Failed } => new Text("failed", new Style(Color.Red)),
            DownloadProgress { State: DownloadState.Completed } => new Text("verified", new Style(Color.Green)),
            DownloadProgress p => new Text(p.State.ToString().ToLowerInvariant(), new Style(Color.Grey)),
            _ => new Text("waiting", new Style(Color.Grey)),
        };
    }
}
