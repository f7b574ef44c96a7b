namespace WebChat.Engine.Catalog;

/// <summary>What a GGUF header says about a model: shape, size, quantization and what the memory estimate needs.</summary>
public sealed record ModelDescriptor
{
    public required string Architecture { get; init; }
    public string? Name { get; init; }

    /// <summary>Sum of every tensor's elements (GGUF has no parameter-count key).</summary>
    public long ParameterCount { get; init; }

    public required string SizeLabel { get; init; }
    public SizeClass SizeClass { get; init; }
    public required string Quantization { get; init; }

    /// <summary>Average bits per weight over all tensors, e.g. ~8.5 for Q8_0.</summary>
    public double BitsPerWeight { get; init; }

    public int ContextLength { get; init; }
    public int BlockCount { get; init; }
    public int EmbeddingLength { get; init; }

    /// <summary>Width of the feed-forward layer a token passes through (for mixtures of experts: per expert times experts used).</summary>
    public int FeedForwardLength { get; init; }
    public int HeadCount { get; init; }
    public int HeadCountKv { get; init; }
    public int KeyLength { get; init; }
    public int ValueLength { get; init; }
    public int VocabularySize { get; init; }

    /// <summary>Tokens a sliding-window layer attends to; null when the model has no sliding-window attention.</summary>
    public int? SlidingWindow { get; init; }

    /// <summary>How many of <see cref="BlockCount"/> layers use the sliding window (their KV cache is capped at the window).</summary>
    public int SlidingWindowLayers { get; init; }

    public int ExpertCount { get; init; }
    public int ExpertUsedCount { get; init; }
    public bool HasChatTemplate { get; init; }

    /// <summary>Bytes of all tensor data.</summary>
    public long WeightBytes { get; init; }

    /// <summary>Bytes of the repeating layers (blk.N.*): what moves to the GPU layer by layer.</summary>
    public long LayerWeightBytes { get; init; }

    /// <summary>Size of the file on disk when known.</summary>
    public long? FileSize { get; init; }
}
