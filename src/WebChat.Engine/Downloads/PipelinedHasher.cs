using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace WebChat.Engine.Downloads;

/// <summary>Hashes a .part file in order while later ranges are still downloading, so verification adds only the last range's hashing.</summary>
/// <remarks>
/// SHA-256 is sequential: it follows the contiguous prefix of finished ranges, reading them back from the page cache.
/// A split never touches bytes below it: only unfinished ranges split, and only above what their connection has claimed.
/// </remarks>
internal sealed class PipelinedHasher : IAsyncDisposable
{
    private const int ReadSize = 1 << 20;
    private readonly SafeFileHandle _file;
    private readonly ResumeMap _map;
    private readonly SemaphoreSlim _signal = new(0);
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;
    private long _hashed;

    public PipelinedHasher(SafeFileHandle file, ResumeMap map, CancellationToken cancellationToken)
    {
        _file = file;
        _map = map;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _loop = Task.Run(() => HashInOrderAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Time spent hashing, for the benchmark's verification cost.</summary>
    public TimeSpan HashingTime { get; private set; }

    /// <summary>Says that a range finished, so the finished prefix may have grown.</summary>
    public void MarkReady() => _signal.Release();

    /// <summary>Waits for every range to be hashed and returns the lower-case hex sha256.</summary>
    public async Task<string> FinishAsync()
    {
        await _loop;
        return Convert.ToHexStringLower(_sha.GetHashAndReset());
    }

    /// <summary>Stops hashing (when the download failed or paused) and releases the hash state.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The download is being abandoned; its own error (if any) is what the caller sees.
        }

        _stop.Dispose();
        _sha.Dispose();
        _signal.Dispose();
    }

    private async Task HashInOrderAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize);
        try
        {
            while (_hashed < _map.Size)
            {
                var readyEnd = FinishedPrefixEnd();
                if (readyEnd <= _hashed)
                {
                    await _signal.WaitAsync(cancellationToken);
                    continue;
                }

                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await HashAsync(_hashed, readyEnd, buffer, cancellationToken);
                HashingTime += System.Diagnostics.Stopwatch.GetElapsedTime(started);
                _hashed = readyEnd;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // The end of the finished ranges that follow the hashed prefix without a gap.
    private long FinishedPrefixEnd()
    {
        lock (_map)
        {
            var end = _hashed;
            foreach (var range in _map.Ranges.Where(r => r.End > _hashed))
            {
                if (range.Start > end || !range.IsDone)
                {
                    break;
                }

                end = range.End;
            }

            return end;
        }
    }

    private async Task HashAsync(long offset, long end, byte[] buffer, CancellationToken cancellationToken)
    {
        while (offset < end)
        {
            var read = await RandomAccess.ReadAsync(_file, buffer.AsMemory(0, (int)Math.Min(ReadSize, end - offset)), offset, cancellationToken);
            if (read == 0)
            {
                throw new IOException("The partial file is shorter than its resume map says.");
            }

            _sha.AppendData(buffer, 0, read);
            offset += read;
        }
    }
}
