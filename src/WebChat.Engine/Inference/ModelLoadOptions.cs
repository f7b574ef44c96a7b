namespace WebChat.Engine.Inference;

/// <summary>KV cache element type; smaller types trade quality for memory.</summary>
public enum KvCacheType
{
    F16,
    Q8_0,
    Q4_0,
}

/// <summary>How to load a model into the engine.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Context per conversation when nothing else is asked for.</summary>
    public const int DefaultContextPerSequence = 4096;

    /// <summary>Conversations served at once when nothing else is asked for.</summary>
    public const int DefaultParallelSequences = 4;

    public required string ModelPath { get; init; }

    /// <summary>The name the status and every answer's summary carry; null: the model's own name (GGUF general.name).</summary>
    public string? DisplayName { get; init; }
    public int ContextPerSequence { get; init; } = DefaultContextPerSequence;
    public int ParallelSequences { get; init; } = DefaultParallelSequences;

    /// <summary>Layers to offload to the GPU; null means "auto" from the memory estimate.</summary>
    public int? GpuLayers { get; init; }

    /// <summary>Decode threads; null means the number of physical cores.</summary>
    public int? Threads { get; init; }

    /// <summary>Threads for prompt batches; null means the same as <see cref="Threads"/>.</summary>
    public int? BatchThreads { get; init; }
    public KvCacheType KvCacheType { get; init; } = KvCacheType.F16;

    /// <summary>
    /// True lets llama.cpp use flash attention wherever its backend supports it ("auto", llama.cpp's own default),
    /// which shrinks the compute buffer several times at long contexts; false turns it off.
    /// </summary>
    public bool FlashAttention { get; init; } = true;
}
