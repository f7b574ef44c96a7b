using WebChat.Engine.Inference;

namespace WebChat.Engine.Catalog;

/// <summary>Bytes a model needs when loaded with a given context, parallel sequences and KV cache type.</summary>
public sealed record MemoryEstimate
{
    public long WeightBytes { get; init; }
    public long KvCacheBytes { get; init; }

    /// <summary>Scratch memory of the compute graph for one micro-batch (logits and attention scores).</summary>
    public long ComputeBytes { get; init; }

    /// <summary>Fixed runtime overhead plus a proportional safety margin.</summary>
    public long MarginBytes { get; init; }

    public long TotalBytes => WeightBytes + KvCacheBytes + ComputeBytes + MarginBytes;

    public int ContextPerSequence { get; init; }
    public int ParallelSequences { get; init; }
    public KvCacheType KvCacheType { get; init; }

    /// <summary>Repeating layers; with one more for the output layer this is what "all GPU layers" means.</summary>
    public int LayerCount { get; init; }

    /// <summary>Weights plus KV cache of one repeating layer: what each GPU-offloaded layer moves into VRAM.</summary>
    public long BytesPerLayer { get; init; }

    public override string ToString() =>
        $"{ByteSizes.Format(TotalBytes)} (weights {ByteSizes.Format(WeightBytes)}, KV cache {ByteSizes.Format(KvCacheBytes)}, " +
        $"compute {ByteSizes.Format(ComputeBytes)}, margin {ByteSizes.Format(MarginBytes)})";
}
