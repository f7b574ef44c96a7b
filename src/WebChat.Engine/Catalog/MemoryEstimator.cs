using WebChat.Engine.Inference;

namespace WebChat.Engine.Catalog;

/// <summary>
/// Estimates the memory a model takes once loaded by llama.cpp, and whether (and how) it fits this machine.
/// Constants are fitted to measurements in bench/Memory (see bench/results/memory.md).
/// </summary>
public static class MemoryEstimator
{
    // llama.cpp processes prompts in micro-batches of this many tokens (n_ubatch's default); the compute graph is sized for it.
    private const int MicroBatch = 512;

    // llama.cpp rounds the KV cache size up to a multiple of 256 cells.
    private const int ContextPadding = 256;

    // Measured: loading a model raises RSS by this much beyond weights, KV cache and compute buffers
    // (llama context, sampler and thread state, the vocabulary's maps, allocator slack).
    private const long FixedOverheadBytes = 48 * ByteSizes.MiB;

    // Safety margin on top of everything, for allocator fragmentation and version-to-version drift.
    private const double Margin = 0.05;

    public static MemoryEstimate Estimate(ModelDescriptor model, ModelLoadOptions options) =>
        Estimate(model, options.ContextPerSequence, options.ParallelSequences, options.KvCacheType);

    /// <summary>Estimates memory for <paramref name="parallelSequences"/> sequences of <paramref name="contextPerSequence"/> tokens each.</summary>
    public static MemoryEstimate Estimate(ModelDescriptor model, int contextPerSequence, int parallelSequences, KvCacheType kvCacheType)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(contextPerSequence, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelSequences, 1);

        var cells = PadToMultiple((long)contextPerSequence * parallelSequences, ContextPadding);
        var kvCache = KvCacheBytes(model, cells, parallelSequences, kvCacheType);
        var compute = ComputeBytes(model, cells);
        var subtotal = model.WeightBytes + kvCache + compute + FixedOverheadBytes;
        var layers = Math.Max(1, model.BlockCount);
        return new MemoryEstimate
        {
            WeightBytes = model.WeightBytes,
            KvCacheBytes = kvCache,
            ComputeBytes = compute,
            MarginBytes = FixedOverheadBytes + (long)(subtotal * Margin),
            ContextPerSequence = contextPerSequence,
            ParallelSequences = parallelSequences,
            KvCacheType = kvCacheType,
            LayerCount = model.BlockCount,
            BytesPerLayer = (model.LayerWeightBytes + kvCache) / layers,
        };
    }

    /// <summary>Answers where the model fits: all on the GPU, some layers on the GPU, in RAM on the CPU, or nowhere.</summary>
    public static FitVerdict Fit(MemoryEstimate estimate, MachineMemory machine)
    {
        var required = estimate.TotalBytes;
        var vram = machine.AvailableVramBytes;
        var ram = machine.AvailableRamBytes;
        if (vram >= required)
        {
            return FitVerdict.Create(FitKind.FullyOnGpu, estimate.LayerCount + 1, estimate, machine);
        }

        // Per layer offloaded, its weights and KV cache move to VRAM; the compute buffer and the rest stay where they are.
        var offloadable = vram - estimate.ComputeBytes - estimate.MarginBytes;
        var gpuLayers = estimate.BytesPerLayer > 0 && offloadable > 0
            ? (int)Math.Min(estimate.LayerCount, offloadable / estimate.BytesPerLayer)
            : 0;
        if (gpuLayers > 0 && required - gpuLayers * estimate.BytesPerLayer <= ram)
        {
            return FitVerdict.Create(FitKind.PartlyOnGpu, gpuLayers, estimate, machine);
        }

        return required <= ram
            ? FitVerdict.Create(FitKind.InRam, 0, estimate, machine)
            : FitVerdict.Create(FitKind.WontFit, 0, estimate, machine);
    }

    private static long KvCacheBytes(ModelDescriptor model, long cells, int parallelSequences, KvCacheType type)
    {
        var bytesPerCellPerLayer = (long)model.HeadCountKv * (model.KeyLength + model.ValueLength) * BytesPerElement(type);
        var fullLayers = model.BlockCount - model.SlidingWindowLayers;

        // A sliding-window layer keeps only the window per sequence, plus one micro-batch being processed.
        var windowCells = model.SlidingWindow is { } window
            ? Math.Min(cells, PadToMultiple((long)window * parallelSequences + MicroBatch, ContextPadding))
            : cells;
        return (long)((fullLayers * cells + model.SlidingWindowLayers * windowCells) * bytesPerCellPerLayer);
    }

    private static long ComputeBytes(ModelDescriptor model, long cells)
    {
        var tokens = Math.Min(MicroBatch, cells);

        // The graph allocator reuses memory between stages, so the peak is the larger of two phases:
        // the output logits (vocabulary x tokens, F32) with the last hidden states, and attention, whose
        // score matrix is (cells x tokens x heads, F32) next to a few activations of width n_embd or n_ff.
        var logits = tokens * ((long)model.VocabularySize + model.EmbeddingLength) * sizeof(float);
        var attention = (cells * model.HeadCount + 4L * model.EmbeddingLength) * tokens * sizeof(float);
        return Math.Max(logits, attention);
    }

    private static double BytesPerElement(KvCacheType type) => type switch
    {
        KvCacheType.F16 => 2,
        KvCacheType.Q8_0 => 34 / 32.0,
        KvCacheType.Q4_0 => 18 / 32.0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown KV cache type."),
    };

    private static long PadToMultiple(long value, long multiple) => (value + multiple - 1) / multiple * multiple;
}
