namespace WebChat.Engine.Hub;

/// <summary>Orders quantization labels by how much of the original model they keep (approximate bits per weight).</summary>
public static class QuantizationQuality
{
    private static readonly Dictionary<string, double> BitsPerWeight = new(StringComparer.OrdinalIgnoreCase)
    {
        ["F32"] = 16, // no better than F16 for inference; ranked equal so the smaller file wins.
        ["F16"] = 16, ["BF16"] = 16, ["Q8_0"] = 8.5, ["Q6_K"] = 6.56, ["Q5_K_M"] = 5.67, ["Q5_K_S"] = 5.52, ["Q5_1"] = 6, ["Q5_0"] = 5.5,
        ["Q4_K_M"] = 4.83, ["Q4_K_S"] = 4.57, ["IQ4_NL"] = 4.5, ["IQ4_XS"] = 4.25, ["Q4_1"] = 5, ["Q4_0"] = 4.5, ["MXFP4"] = 4.25,
        ["Q3_K_L"] = 4.27, ["Q3_K_M"] = 3.91, ["IQ3_M"] = 3.66, ["Q3_K_S"] = 3.5, ["IQ3_XS"] = 3.3, ["IQ3_XXS"] = 3.06,
        ["Q2_K"] = 3.35, ["IQ2_M"] = 2.7, ["IQ2_XS"] = 2.31, ["IQ2_XXS"] = 2.06, ["IQ1_M"] = 1.75, ["IQ1_S"] = 1.56,
    };

    /// <summary>Higher is better; unknown labels rank lowest.</summary>
    public static double Rank(string? quantization) =>
        quantization is not null && BitsPerWeight.TryGetValue(quantization, out var bits) ? bits : 0;
}
