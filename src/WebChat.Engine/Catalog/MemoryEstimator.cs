using WebChat.Engine.Inference;

namespace WebChat.Engine.Catalog;

/// <summary>
/// Estimates the memory a model takes once loaded by llama.cpp, and whether (and how) it fits this machine.
/// The constants are fitted to measurements of LLamaSharp 0.30.0 on the CPU backend: bench/results/memory.md.
/// </summary>
public static class MemoryEstimator
{
    // llama.cpp processes prompts in micro-batches of this many tokens (n_ubatch's default); the compute graph is sized for it.
    private const int MicroBatch = 512;

    // llama.cpp rounds the KV cache size up to a multiple of 256 cells.
    private const int ContextPadding = 256;

    // Measured: loading raises RSS beyond the weights by ~200 bytes per vocabulary entry (token text, scores and
    // lookup maps): 29 MiB for 151,936 tokens, 26 MiB for 128,256.
    private const long BytesPerVocabularyToken = 208;

    // Context, sampler and thread state that does not scale with the model.
    private const long FixedOverheadBytes = 4 * ByteSizes.MiB;

    // On top of everything, for allocator fragmentation and llama.cpp version drift.
    private const double Margin = 0.05;

    public static MemoryEstimate Estimate(ModelDescriptor model, ModelLoadOptions options) =>
        Estimate(model, options.ContextPerSequence, options.ParallelSequences, options.KvCacheType, options.FlashAttention);

    /// <summary>Estimates memory for <paramref name="parallelSequences"/> sequences of <paramref name="contextPerSequence"/> tokens each.</summary>
    /// <param name="model">The model's descriptor.</param>
    /// <param name="contextPerSequence">Context tokens of each sequence.</param>
    /// <param name="parallelSequences">Sequences decoded together (they share one KV cache of context x sequences cells).</param>
    /// <param name="kvCacheType">Element type of the KV cache.</param>
    /// <param name="flashAttention">
    /// False when flash attention is switched off: attention scores for a whole micro-batch are then materialised.
    /// llama.cpp's default ("auto") turns it on for the CPU backend.
    /// </param>
    public static MemoryEstimate Estimate(ModelDescriptor model, int contextPerSequence, int parallelSequences, KvCacheType kvCacheType, bool flashAttention = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(contextPerSequence, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelSequences, 1);

        var cells = PadToMultiple((long)contextPerSequence * parallelSequences, ContextPadding);
        var tokens = Math.Min(MicroBatch, cells);
        var kvCache = KvCacheBytes(model, cells, parallelSequences, kvCacheType);
        // Measured without flash attention: 1.4x the F32 score matrix (cells x tokens x heads) is touched, the scores
        // plus the part of the softmax output alive at the same time (112 -> 157 MiB for 14 heads, 256 -> 358 MiB for 32).
        var attentionScores = flashAttention ? 0 : cells * tokens * model.HeadCount * sizeof(float) * 7 / 5;
        var compute = TouchedComputeBytes(model, cells, tokens, parallelSequences) + attentionScores;
        var reservedCompute = Math.Max(tokens * ((long)model.VocabularySize + model.EmbeddingLength) * sizeof(float), compute);
        var overhead = FixedOverheadBytes + model.VocabularySize * BytesPerVocabularyToken;
        var subtotal = model.WeightBytes + kvCache + compute + overhead;
        return new MemoryEstimate
        {
            WeightBytes = model.WeightBytes,
            KvCacheBytes = kvCache,
            ComputeBytes = compute,
            ReservedComputeBytes = reservedCompute,
            MarginBytes = overhead + (long)(subtotal * Margin),
            ContextPerSequence = contextPerSequence,
            ParallelSequences = parallelSequences,
            KvCacheType = kvCacheType,
            FlashAttention = flashAttention,
            LayerCount = model.BlockCount,
            BytesPerLayer = (model.LayerWeightBytes + kvCache) / Math.Max(1, model.BlockCount),
        };
    }

    /// <summary>Answers where the model fits: all on the GPU, some layers on the GPU, in RAM on the CPU, or nowhere.</summary>
    public static FitVerdict Fit(MemoryEstimate estimate, MachineMemory machine)
    {
        var vram = machine.AvailableVramBytes;
        var ram = machine.AvailableRamBytes;
        if (vram >= estimate.TotalOnGpuBytes)
        {
            return FitVerdict.Create(FitKind.FullyOnGpu, estimate.LayerCount + 1, estimate, machine);
        }

        // Each offloaded layer moves its weights and KV cache into VRAM, next to the reserved compute buffer.
        var offloadable = vram - estimate.ReservedComputeBytes - estimate.MarginBytes;
        var gpuLayers = estimate.BytesPerLayer > 0 && offloadable > 0
            ? (int)Math.Min(estimate.LayerCount, offloadable / estimate.BytesPerLayer)
            : 0;
        if (gpuLayers > 0 && estimate.TotalBytes - gpuLayers * estimate.BytesPerLayer <= ram)
        {
            return FitVerdict.Create(FitKind.PartlyOnGpu, gpuLayers, estimate, machine);
        }

        return estimate.TotalBytes <= ram
            ? FitVerdict.Create(FitKind.InRam, 0, estimate, machine)
            : FitVerdict.Create(FitKind.WontFit, 0, estimate, machine);
    }

    private static long KvCacheBytes(ModelDescriptor model, long cells, int parallelSequences, KvCacheType type)
    {
        var bytesPerCellPerLayer = model.HeadCountKv * (model.KeyLength + model.ValueLength) * BytesPerElement(type);
        var fullLayers = model.BlockCount - model.SlidingWindowLayers;

        // A sliding-window layer keeps only the window per sequence, plus one micro-batch being processed.
        var windowCells = model.SlidingWindow is { } window
            ? Math.Min(cells, PadToMultiple((long)window * parallelSequences + MicroBatch, ContextPadding))
            : cells;
        return (long)((fullLayers * cells + model.SlidingWindowLayers * windowCells) * bytesPerCellPerLayer);
    }

    /// <summary>
    /// Measured: the feed-forward activations of a micro-batch dominate (38 MiB for n_ff 4864, 66 MiB for n_ff 8192 at
    /// 512 tokens: four F32 values per n_ff), then the F16 attention mask over every cell, then one row of logits per sequence.
    /// </summary>
    private static long TouchedComputeBytes(ModelDescriptor model, long cells, long tokens, int parallelSequences) =>
        tokens * (4L * model.FeedForwardLength + 2L * model.EmbeddingLength) * sizeof(float)
        + cells * tokens * 2
        + (long)parallelSequences * model.VocabularySize * sizeof(float);

    private static double BytesPerElement(KvCacheType type) => type switch
    {
        KvCacheType.F16 => 2,
        KvCacheType.Q8_0 => 34 / 32.0,
        KvCacheType.Q4_0 => 18 / 32.0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown KV cache type."),
    };

    private static long PadToMultiple(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}
