using WebChat.Engine.Gguf;
using WebChat.Engine.Gguf.Writing;

namespace WebChat.Tests.Support.Models;

/// <summary>
/// Realistically shaped models for benchmarks (random weights, Q8_0), generated on demand into
/// ~/.cache/webchat/bench-models (override with WEBCHAT_BENCH_MODELS); never committed.
/// </summary>
public static class BenchModels
{
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("WEBCHAT_BENCH_MODELS") is { Length: > 0 } directory
            ? directory
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "webchat", "bench-models");

    /// <summary>Qwen2.5-0.5B's shape as a llama model (no attention biases): 24 layers, n_embd 896, 14 heads, 2 KV heads, 151,936 tokens.</summary>
    public static LlamaModelSpec Qwen25HalfBLike { get; } = new()
    {
        Name = "qwen2.5-0.5b-like",
        EmbeddingLength = 896,
        FeedForwardLength = 4864,
        BlockCount = 24,
        HeadCount = 14,
        HeadCountKv = 2,
        ContextLength = 32768,
        VocabularySize = 151936,
        WeightType = GgmlType.Q8_0,
        RopeFrequencyBase = 1_000_000f,
        WeightAmplitude = 0.02f,
    };

    /// <summary>Llama-3.2-1B's shape: 16 layers, n_embd 2048, 32 heads, 8 KV heads, 128,256 tokens, tied output.</summary>
    public static LlamaModelSpec Llama32OneBLike { get; } = new()
    {
        Name = "llama-3.2-1b-like",
        EmbeddingLength = 2048,
        FeedForwardLength = 8192,
        BlockCount = 16,
        HeadCount = 32,
        HeadCountKv = 8,
        ContextLength = 131072,
        VocabularySize = 128256,
        WeightType = GgmlType.Q8_0,
        RopeFrequencyBase = 500_000f,
        WeightAmplitude = 0.02f,
    };

    public static string Get(LlamaModelSpec spec) => ModelCache.Get(spec, CacheDirectory);
}
