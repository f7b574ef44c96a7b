namespace WebChat.Engine.Gguf.Writing;

/// <summary>The shape of a generated llama-architecture model; every weight is random, deterministic from <see cref="Seed"/>.</summary>
public sealed record LlamaModelSpec
{
    public string Name { get; init; } = "webchat-tiny";
    public int EmbeddingLength { get; init; } = 64;
    public int FeedForwardLength { get; init; } = 128;
    public int BlockCount { get; init; } = 2;
    public int HeadCount { get; init; } = 4;
    public int HeadCountKv { get; init; } = 2;
    public int ContextLength { get; init; } = 512;
    public int VocabularySize { get; init; } = 2048;

    /// <summary>Type of the 2-D weights (norms are always F32): F32, F16, Q8_0 or Q4_0.</summary>
    public GgmlType WeightType { get; init; } = GgmlType.F32;

    /// <summary>How each weight's type is chosen: all <see cref="WeightType"/>, or a downloaded file's mix such as Q4_K_M.</summary>
    public WeightMix Mix { get; init; } = WeightMix.Uniform;

    public string? ChatTemplate { get; init; } = ChatTemplates.ChatMl;

    /// <summary>With no output.weight llama.cpp reuses token_embd, as Qwen2.5-0.5B and Llama-3.2-1B do.</summary>
    public bool TiedOutput { get; init; } = true;

    public float RopeFrequencyBase { get; init; } = 10000f;
    public ulong Seed { get; init; } = 1;

    /// <summary>Half-width of the uniform weight distribution; small enough that random activations stay finite.</summary>
    public float WeightAmplitude { get; init; } = 0.05f;

    public int HeadDimension => EmbeddingLength / HeadCount;
}
