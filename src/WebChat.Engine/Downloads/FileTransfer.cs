using System.Buffers;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using Polly;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;

namespace WebChat.Engine.Downloads;

/// <summary>Moves one file's bytes: resolve, a .part file with a resume map, parallel byte ranges, pipelined sha256, verify, rename into the store.</summary>
internal sealed partial class FileTransfer(DownloadKey key, DownloadContext context, ProgressMeter meter, Action<DownloadState> setState)
{
    private const int BufferSize = 128 * 1024;
    private readonly DownloadContext _context = context;
    private readonly ProgressMeter _meter = meter;

    public DownloadKey Key { get; } = key;

    public string? Sha256 { get; private set; }

    public string? Commit { get; private set; }

    /// <summary>File size; 0 until resolved.</summary>
    public long TotalBytes { get; private set; }

    public TimeSpan VerificationTime { get; private set; }

    public TimeSpan HashingTime { get; private set; }

    public async Task<string> RunAsync(CancellationToken token)
    {
        SetState(DownloadState.Resolving);
        var location = await _context.Hub.ResolveFileAsync(Key.Repo, Key.Revision, Key.FileName, token);
        var sha256 = location.Sha256 ?? throw new DownloadNotVerifiableException(Key.ToString());
        Sha256 = sha256;
        Commit = location.Commit;
        var finalPath = _context.Store.PathFor(Key.Repo, Key.FileName);
        TotalBytes = location.Size;
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
            using var link = new CdnLink(_context.Hub, Key, location);
            actual = await TransferAndHashAsync(link, map, file, mapPath, token);
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

    private async Task<string> TransferAndHashAsync(CdnLink link, ResumeMap map, SafeFileHandle file, string mapPath, CancellationToken token)
    {
        _meter.Reset(map.CompletedBytes);
        SetState(DownloadState.Downloading);
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(token);
        await using var hasher = new PipelinedHasher(file, map, failFast.Token);
        var ranges = new RangeAssigner(map, mapPath, _context.Options.CheckpointBytes);
        var workers = Enumerable.Range(0, Math.Max(1, _context.Options.Connections))
            .Select(_ => RunWorkerAsync(ranges, link, file, hasher, failFast))
            .ToArray();
        await WhenAllOrFirstFailureAsync(workers, token);

        var lastByte = Stopwatch.GetTimestamp();
        SetState(DownloadState.Verifying);
        var actual = await hasher.FinishAsync();
        VerificationTime = Stopwatch.GetElapsedTime(lastByte);
        HashingTime = hasher.HashingTime;
        return actual;
    }

    // One connection: it fetches ranges until none is left to start or to split off another connection's.
    private async Task RunWorkerAsync(RangeAssigner ranges, CdnLink link, SafeFileHandle file, PipelinedHasher hasher, CancellationTokenSource failFast)
    {
        try
        {
            while (ranges.Next() is { } range)
            {
                try
                {
                    await DownloadRangeAsync(range, ranges, link, file, failFast.Token);
                }
                catch
                {
                    ranges.Release(range);
                    throw;
                }

                ranges.Finish(range);
                hasher.MarkReady();
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

    /// <summary>
    /// Fetches one range from where an earlier process's checkpoint left it, continuing after drops from the last byte
    /// written, and stopping early when a free connection took the range's second half; a stall or drop is retried with backoff.
    /// </summary>
    private async Task DownloadRangeAsync(ResumeRange range, RangeAssigner ranges, CdnLink link, SafeFileHandle file, CancellationToken token)
    {
        var written = range.Written;
        var checkpointed = written;
        try
        {
            await FetchRangeWithRetriesAsync();
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException or DownloadStalledException or DownloadLinkRefusedException or HubOfflineException)
        {
            throw new DownloadTransferException(Key.ToString(), exception);
        }

        Task FetchRangeWithRetriesAsync() => _context.RangeRetry.ExecuteAsync(async attemptToken =>
        {
            var offset = range.Start + written;
            var end = ranges.EndOf(range);
            if (offset >= end)
            {
                return;
            }

            var address = link.Address;
            using var stall = CancellationTokenSource.CreateLinkedTokenSource(attemptToken);
            stall.CancelAfter(_context.Options.StallTimeout);
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                // Asks for the range's end as it is now; a later split only shortens it, and the loop stops there.
                using var response = await _context.Hub.GetRangeAsync(address, offset, end - 1, Key.ToString(), stall.Token);
                await using var body = await response.Content.ReadAsStreamAsync(stall.Token);
                while (offset < end)
                {
                    var read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, end - offset)), stall.Token);
                    if (read == 0)
                    {
                        throw new IOException($"The server closed the connection at byte {offset} of {Key}.");
                    }

                    var take = ranges.Claim(range, offset, read);
                    if (take > 0)
                    {
                        await RandomAccess.WriteAsync(file, buffer.AsMemory(0, take), offset, attemptToken);
                        offset += take;
                        written += take;
                        _meter.Add(take);
                    }

                    end = ranges.EndOf(range);
                    stall.CancelAfter(_context.Options.StallTimeout);
                    if (written - checkpointed >= _context.Options.CheckpointBytes && offset < end)
                    {
                        Checkpoint(range, written, ranges, file);
                        checkpointed = written;
                    }
                }
            }
            catch (OperationCanceledException) when (stall.IsCancellationRequested && !attemptToken.IsCancellationRequested)
            {
                throw new DownloadStalledException(Key.ToString(), offset, _context.Options.StallTimeout);
            }
            catch (HubException refused) when (refused is HubUnauthorizedException or HubNotFoundException && link.IsRedirected(address))
            {
                await link.RefreshAsync(address, attemptToken);
                throw new DownloadLinkRefusedException(Key.ToString(), refused);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }, token).AsTask();
    }

    // The bytes reach the disk before the map says they are there, so a crash never records bytes that were lost.
    private static void Checkpoint(ResumeRange range, long written, RangeAssigner ranges, SafeFileHandle file)
    {
        RandomAccess.FlushToDisk(file);
        ranges.Checkpoint(range, written);
    }

    /// <summary>Removes the .part file and its resume map (after a failed verification or a cancel).</summary>
    public void DeletePartial()
    {
        try
        {
            _context.Store.DeletePartial(Key.Repo, Key.FileName);
        }
        catch (IOException exception)
        {
            LogProblem(_context.Logger, Key.ToString(), $"could not delete the partial file: {exception.Message}");
        }
    }

    private void SetState(DownloadState state) => setState(state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Download {Key}: {Problem}")]
    private static partial void LogProblem(ILogger logger, string key, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "Downloaded and verified {Key} into {Path}")]
    private static partial void LogInstalled(ILogger logger, string key, string path);
}
