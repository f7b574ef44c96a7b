namespace WebChat.Components.Chat;

/// <summary>
/// Turns a burst of "something changed" signals into at most one render per interval: the first signal
/// after a quiet interval renders at once, later ones share a single delayed render.
/// </summary>
public sealed class RenderCoalescer(TimeSpan interval, TimeProvider time, Func<Task> render)
{
    private int _scheduled;
    private long _lastRender = time.GetTimestamp() - (long)(interval.TotalSeconds * time.TimestampFrequency);

    /// <summary>Renders now, or once when the interval since the last render is over. Safe from any thread.</summary>
    public void Request()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 1)
        {
            return;
        }

        var wait = interval - time.GetElapsedTime(Interlocked.Read(ref _lastRender));
        _ = wait > TimeSpan.Zero ? RenderLaterAsync(wait) : RenderNowAsync();
    }

    private async Task RenderLaterAsync(TimeSpan wait)
    {
        await Task.Delay(wait, time);
        await RenderNowAsync();
    }

    private Task RenderNowAsync()
    {
        // Cleared before rendering, so text that arrives during the render schedules the next one.
        Interlocked.Exchange(ref _lastRender, time.GetTimestamp());
        Volatile.Write(ref _scheduled, 0);
        return render();
    }
}
