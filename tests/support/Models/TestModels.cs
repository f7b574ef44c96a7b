using WebChat.Engine.Gguf;
using WebChat.Engine.Gguf.Writing;

namespace WebChat.Tests.Support.Models;

/// <summary>
/// Tiny generated llama models for tests (2 layers, n_embd 64, 2048-token vocabulary with byte fallback, chatml template),
/// written once into a temp folder (override with WEBCHAT_TEST_MODELS) and reused by every test.
/// </summary>
public static class TestModels
{
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("WEBCHAT_TEST_MODELS") is { Length: > 0 } directory
            ? directory
            : Path.Combine(Path.GetTempPath(), "webchat-test-models");

    /// <summary>The shape of <see cref="Tiny"/>: start here with `with { ... }` for a variant.</summary>
    public static LlamaModelSpec TinySpec { get; } = new();

    /// <summary>F32 weights, chatml template and &lt;|im_start|&gt;/&lt;|im_end|&gt; tokens, context 512.</summary>
    public static string Tiny => Get(TinySpec);

    /// <summary>No tokenizer.chat_template key and no chatml tokens.</summary>
    public static string TinyWithoutTemplate => Get(TinySpec with { Name = "webchat-tiny-no-template", ChatTemplate = null });

    /// <summary>A 32,000-token vocabulary, like Llama 2 and Mistral.</summary>
    public static string TinyWith32000Vocabulary => Get(TinySpec with { Name = "webchat-tiny-32k", VocabularySize = 32000 });

    /// <summary>The tiny model with its 2-D weights in F32, F16, Q8_0 or Q4_0.</summary>
    public static string TinyOfType(GgmlType weightType) => Get(TinySpec with { WeightType = weightType });

    /// <summary>A downloaded Q4_K_M file's mix of Q4_K and Q6_K (<see cref="MixedWeightTypes"/>) on a tiny shape whose rows are all 256 or 512 wide.</summary>
    public static string TinyQ4KM => Get(TinyQ4KMSpec);

    public static LlamaModelSpec TinyQ4KMSpec { get; } = TinySpec with { Name = "webchat-tiny-q4km", EmbeddingLength = 256, FeedForwardLength = 512, BlockCount = 8, Mix = WeightMix.Q4_K_M };

    public static string Get(LlamaModelSpec spec) => ModelCache.Get(spec, CacheDirectory);
}
