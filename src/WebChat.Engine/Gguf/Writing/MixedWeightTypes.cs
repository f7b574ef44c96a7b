namespace WebChat.Engine.Gguf.Writing;

/// <summary>
/// The type of each weight in a generated model of a <see cref="WeightMix"/>, following llama.cpp's
/// <c>llama_tensor_get_type</c> for the mixes people download, so a benchmark runs the kernels a real file runs.
/// </summary>
public static class MixedWeightTypes
{
    private const int SuperBlock = 256;

    /// <summary>The type of <paramref name="tensor"/> (of layer <paramref name="layer"/>, -1 for none) whose rows hold <paramref name="rowLength"/> values.</summary>
    public static GgmlType For(LlamaModelSpec spec, string tensor, int layer, long rowLength)
    {
        if (spec.Mix == WeightMix.Uniform)
        {
            return spec.WeightType;
        }

        var chosen = IsOutput(spec, tensor) || (IsMoreBitsTensor(tensor) && UsesMoreBits(layer, spec.BlockCount))
            ? GgmlType.Q6_K
            : GgmlType.Q4_K;

        // K-quants pack 256 values per block; llama.cpp falls back for rows they cannot divide (Qwen2.5-0.5B's 896).
        return rowLength % SuperBlock == 0 ? chosen : chosen == GgmlType.Q6_K ? GgmlType.Q8_0 : GgmlType.Q5_0;
    }

    /// <summary>llama.cpp's LLAMA_FTYPE for the whole file.</summary>
    public static uint FileType(LlamaModelSpec spec) => spec.Mix switch
    {
        WeightMix.Q4_K_M => 15,
        _ => LlamaModelWriter.FileType(spec.WeightType),
    };

    // With a tied output the embedding is the output matrix, and the quantizer treats it as one.
    private static bool IsOutput(LlamaModelSpec spec, string tensor) =>
        tensor == "output.weight" || (spec.TiedOutput && tensor == "token_embd.weight");

    private static bool IsMoreBitsTensor(string tensor) =>
        tensor.EndsWith(".attn_v.weight", StringComparison.Ordinal) || tensor.EndsWith(".ffn_down.weight", StringComparison.Ordinal);

    // llama.cpp's use_more_bits: the first and last eighth of the layers, and every third one between.
    private static bool UsesMoreBits(int layer, int layers) =>
        layer >= 0 && (layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2);
}
