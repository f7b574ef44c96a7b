namespace WebChat.Engine.Gguf.Writing;

/// <summary>How a generated model picks each 2-D weight's type.</summary>
public enum WeightMix
{
    /// <summary>Every 2-D weight has <see cref="LlamaModelSpec.WeightType"/>.</summary>
    Uniform,

    /// <summary>
    /// The types llama.cpp's quantizer gives a Q4_K_M file: Q4_K, Q6_K for the output (or the tied embedding) and for
    /// attn_v and ffn_down in the layers that get more bits, and Q5_0 / Q8_0 where a row is not a multiple of 256.
    /// </summary>
    Q4_K_M,
}
