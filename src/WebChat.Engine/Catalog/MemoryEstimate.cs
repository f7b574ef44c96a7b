using WebChat.Engine.Inference;

namespace WebChat.Engine.Catalog;

/// <summary>Bytes a model needs when loaded with a given context, parallel sequences and KV cache type.</summary>
public sealed record MemoryEstimate
{
    public long WeightBytes { get; init; }
    public long KvCacheBytes { get; init; }

    /// <summary>Compute-graph memory a CPU actually touches for one micro-batch (activations, attention mask, logits).</summary>
    public long ComputeBytes { get; init; }

    /// <summary>
    /// Compute buffer llama.cpp reserves for the worst case (logits for every token of a micro-batch). On the CPU most of it
    /// stays untouched virtual memory; on a GPU all of it is allocated.
    /// </summary>
    public long ReservedComputeBytes { get; init; }

    /// <summary>Fixed runtime overhead plus a proportional safety margin.</summary>
    public long MarginBytes { get; init; }

    /// <summary>What the process needs in RAM when running on the CPU.</summary>
    public long TotalBytes => WeightBytes + KvCacheBytes + ComputeBytes + MarginBytes;

    /// <summary>What a GPU needs to hold the whole model, its KV cache and the reserved compute buffer.</summary>
    public long TotalOnGpuBytes => WeightBytes + KvCacheBytes + ReservedComputeBytes + MarginBytes;

    public int ContextPerSequence { get; init; }
    public int ParallelSequences { get; init; }
    public KvCacheType KvCacheType { get; init; }
    public bool FlashAttention { get; init; }

    /// <summary>Repeating layers; with one more for the output layer this is what "all GPU layers" means.</summary>
    public int LayerCount { get; init; }

    /// <summary>Weights plus KV cache of one repeating layer: what each GPU-offloaded layer moves into VRAM.</summary>
    public long BytesPerLayer { get; init; }

    public override string ToString() =>
        $"{ByteSizes.Format(TotalBytes)} (weights {ByteSizes.Format(WeightBytes)}, KV cache {ByteSizes.Format(KvCacheBytes)}, " +
        $"compute {ByteSizes.Format(ComputeBytes)}, margin {ByteSizes.Format(MarginBytes)})";
}
