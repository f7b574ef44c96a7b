using System.Text.Json;
using LLama;
using LLama.Common;
using LLama.Native;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Support.Native;

namespace WebChat.Bench.Memory;

/// <summary>
/// Child process of the memory benchmark: loads one model at one context size and prints the RSS increase as JSON.
/// A fresh process per measurement, because freed native memory is not reliably returned to the OS.
/// </summary>
internal static class MemoryProbe
{
    public const string Command = "memory-probe";

    public static async Task<int> RunAsync(string modelPath, int context, int parallel, bool flashAttention)
    {
        NativeLogs.Quiet();
        await WarmUpNativeLibraryAsync();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = ProcessMemory.Rss;

        var parameters = new ModelParams(modelPath)
        {
            ContextSize = (uint)(context * parallel),
            SeqMax = (uint)parallel,
            GpuLayerCount = 0,
            BatchSize = 512,
            UBatchSize = 512,
            Threads = 2,
            // null leaves llama.cpp's "auto" (on for the CPU backend); false switches flash attention off.
            FlashAttention = flashAttention ? null : false,
        };
        using var weights = await LLamaWeights.LoadFromFileAsync(parameters);
        var afterLoad = ProcessMemory.Rss;
        using var llamaContext = weights.CreateContext(parameters);
        var afterContext = ProcessMemory.Rss;

        // Fill the whole context in micro-batches of 512 prompt tokens: the last one attends to every cell, which is
        // when the attention scores (and so the touched part of the compute buffer) are largest.
        var result = DecodeResult.Ok;
        var total = context * parallel;
        var peak = 0L;
        for (var start = 0; start < total && result == DecodeResult.Ok; start += 512)
        {
            var batch = new LLamaBatch();
            var end = Math.Min(total, start + 512);
            for (var position = start; position < end; position++)
            {
                batch.Add(300 + (position * 37 % 1000), position, LLamaSeqId.Zero, position == end - 1);
            }

            result = await llamaContext.DecodeAsync(batch, CancellationToken.None);
            peak = Math.Max(peak, ProcessMemory.Rss);
        }

        var buffers = NativeLogs.RecentLines.Where(line => line.Contains("buffer size", StringComparison.Ordinal)).Select(line => line.Trim()).ToArray();
        Console.WriteLine(JsonSerializer.Serialize(new ProbeResult(baseline, afterLoad, afterContext, peak, ProcessMemory.RssAnonymous, ProcessMemory.RssFile, result.ToString(), buffers)));
        return result == DecodeResult.Ok ? 0 : 1;
    }

    /// <summary>Loads the native library, its OpenMP threads and allocator before the baseline is taken.</summary>
    private static async Task WarmUpNativeLibraryAsync()
    {
        var parameters = new ModelParams(TestModels.Tiny) { ContextSize = 256, GpuLayerCount = 0, Threads = 2 };
        using var weights = await LLamaWeights.LoadFromFileAsync(parameters);
        using var context = weights.CreateContext(parameters);
        var batch = new LLamaBatch();
        batch.Add(1, 0, LLamaSeqId.Zero, true);
        await context.DecodeAsync(batch, CancellationToken.None);
    }

    internal sealed record ProbeResult(long Baseline, long AfterLoad, long AfterContext, long AfterDecode, long RssAnonymous, long RssFile, string Decode, string[] NativeBuffers);
}
