using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace WebChat.Tests.Support.FakeHub;

/// <summary>The CDN side: serves blobs by sha256 with Range/Content-Range and ETag, applying drops, stalls, corruption and a bandwidth cap.</summary>
internal static class FakeHubCdn
{
    private const int Piece = 16 * 1024;

    public static async Task ServeAsync(FakeHubServer hub, HttpContext context, string sha256)
    {
        if (hub.FindBlob(sha256) is not { } file)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var response = context.Response;
        response.Headers.AcceptRanges = "bytes";
        response.Headers.ETag = $"\"{file.Sha256}\"";
        if (!TryParseRange(context.Request.Headers.Range.FirstOrDefault(), file.Size, out var from, out var to))
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.Headers.ContentRange = $"bytes */{file.Size}";
            return;
        }

        var partial = context.Request.Headers.Range.Count > 0;
        response.StatusCode = partial ? StatusCodes.Status206PartialContent : StatusCodes.Status200OK;
        if (partial)
        {
            response.Headers.ContentRange = $"bytes {from}-{to}/{file.Size}";
        }

        response.ContentLength = to - from + 1;
        response.ContentType = "application/octet-stream";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        await WriteBodyAsync(hub, context, file, from, to);
    }

    private static async Task WriteBodyAsync(FakeHubServer hub, HttpContext context, FakeHubFile file, long from, long to)
    {
        var faults = hub.Faults;
        var dropAfter = faults.TakeDrop();
        var stallAfter = faults.TakeStall();
        var bandwidth = faults.BandwidthBytesPerSecond;
        var corrupt = faults.CorruptContent;
        var counter = hub.Log.StartServing(file.Sha256, from);
        var clock = Stopwatch.StartNew();
        var sent = 0L;
        var aborted = context.RequestAborted;
        var corruptAt = file.Size / 2;
        await context.Response.StartAsync(aborted);
        for (var offset = from; offset <= to;)
        {
            if (dropAfter is { } drop && sent >= drop)
            {
                context.Abort();
                return;
            }

            if (stallAfter is { } stall && sent >= stall)
            {
                await Task.Delay(Timeout.Infinite, aborted);
            }

            var length = (int)Math.Min(Piece, to - offset + 1);
            length = (int)Math.Min(length, Math.Max(1, Math.Min((dropAfter ?? long.MaxValue) - sent, (stallAfter ?? long.MaxValue) - sent)));
            var piece = file.Content.AsMemory((int)offset, length);
            if (corrupt && corruptAt >= offset && corruptAt < offset + length)
            {
                var copy = piece.ToArray();
                copy[corruptAt - offset] ^= 0xFF;
                piece = copy;
            }

            // Counted before the write, so the count is complete by the time the client has the bytes.
            Interlocked.Add(ref counter.Length, length);
            await context.Response.Body.WriteAsync(piece, aborted);
            await context.Response.Body.FlushAsync(aborted);
            offset += length;
            sent += length;
            if (bandwidth is { } bytesPerSecond)
            {
                var due = TimeSpan.FromSeconds((double)sent / bytesPerSecond) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, aborted);
                }
            }
        }
    }

    private static bool TryParseRange(string? header, long size, out long from, out long to)
    {
        from = 0;
        to = size - 1;
        if (string.IsNullOrEmpty(header))
        {
            return true;
        }

        if (!RangeHeaderValue.TryParse(header, out var range) || range.Ranges.Count != 1)
        {
            return false;
        }

        var item = range.Ranges.First();
        if (item.From is { } start)
        {
            from = start;
            to = Math.Min(item.To ?? size - 1, size - 1);
        }
        else if (item.To is { } suffix)
        {
            from = Math.Max(0, size - suffix);
        }

        return from <= to && from < size;
    }
}
