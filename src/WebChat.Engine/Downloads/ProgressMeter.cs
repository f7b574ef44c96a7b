namespace WebChat.Engine.Downloads;

/// <summary>Counts bytes and turns them into a smoothed speed and an ETA.</summary>
internal sealed class ProgressMeter(TimeProvider timeProvider)
{
    private const double Smoothing = 0.3;
    private long _bytesDone;
    private long _lastBytes;
    private long _lastTimestamp = timeProvider.GetTimestamp();
    private double _bytesPerSecond;

    public long BytesDone => Interlocked.Read(ref _bytesDone);

    public double BytesPerSecond => _bytesPerSecond;

    public void Reset(long bytesDone)
    {
        Interlocked.Exchange(ref _bytesDone, bytesDone);
        _lastBytes = bytesDone;
        _lastTimestamp = timeProvider.GetTimestamp();
        _bytesPerSecond = 0;
    }

    public void Add(long bytes) => Interlocked.Add(ref _bytesDone, bytes);

    /// <summary>Updates the speed from the bytes since the last sample (exponential smoothing).</summary>
    public void Sample()
    {
        var now = timeProvider.GetTimestamp();
        var elapsed = timeProvider.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
        if (elapsed <= 0)
        {
            return;
        }

        var done = BytesDone;
        var instant = (done - _lastBytes) / elapsed;
        _bytesPerSecond = _bytesPerSecond == 0 ? instant : (Smoothing * instant) + ((1 - Smoothing) * _bytesPerSecond);
        _lastBytes = done;
        _lastTimestamp = now;
    }

    public TimeSpan? Eta(long totalBytes) =>
        _bytesPerSecond > 0 ? TimeSpan.FromSeconds(Math.Max(0, totalBytes - BytesDone) / _bytesPerSecond) : null;
}
