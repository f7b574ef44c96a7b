using WebChat.Engine.Gguf;

namespace WebChat.Engine.Catalog;

/// <summary>Quantization names ("Q4_K_M", "Q8_0", "IQ4_XS", "F16") from general.file_type, or from the tensor types when it is absent.</summary>
public static class QuantizationLabels
{
    // llama.cpp's LLAMA_FTYPE values (llama.h); 4-6 and 33-35 were removed there.
    private static readonly Dictionary<long, string> FileTypes = new()
    {
        [0] = "F32", [1] = "F16", [2] = "Q4_0", [3] = "Q4_1", [7] = "Q8_0", [8] = "Q5_0", [9] = "Q5_1",
        [10] = "Q2_K", [11] = "Q3_K_S", [12] = "Q3_K_M", [13] = "Q3_K_L", [14] = "Q4_K_S", [15] = "Q4_K_M",
        [16] = "Q5_K_S", [17] = "Q5_K_M", [18] = "Q6_K", [19] = "IQ2_XXS", [20] = "IQ2_XS", [21] = "Q2_K_S",
        [22] = "IQ3_XS", [23] = "IQ3_XXS", [24] = "IQ1_S", [25] = "IQ4_NL", [26] = "IQ3_S", [27] = "IQ3_M",
        [28] = "IQ2_S", [29] = "IQ2_M", [30] = "IQ4_XS", [31] = "IQ1_M", [32] = "BF16", [36] = "TQ1_0",
        [37] = "TQ2_0", [38] = "MXFP4_MOE",
    };

    // llama.cpp ORs this flag into file_type when the quantizer guessed it.
    private const long GuessedFlag = 1024;

    /// <summary>The label for a header; "unknown" only when it has neither a known file type nor tensors.</summary>
    public static string FromHeader(GgufHeader header)
    {
        if (header.GetInteger("general.file_type") is { } fileType && FileTypes.TryGetValue(fileType & ~GuessedFlag, out var label))
        {
            return label;
        }

        return DominantTensorType(header.Tensors)?.ToString() ?? "unknown";
    }

    /// <summary>The type holding the most bytes among the matrices (norms and other vectors are F32 in every file).</summary>
    public static GgmlType? DominantTensorType(IEnumerable<GgufTensorInfo> tensors) =>
        tensors.Where(tensor => tensor.Dimensions.Count >= 2)
            .GroupBy(tensor => tensor.Type)
            .OrderByDescending(group => group.Sum(tensor => tensor.ByteSize))
            .Select(group => (GgmlType?)group.Key)
            .FirstOrDefault();

    /// <summary>Whether a label names a known quantization (case-insensitive), e.g. for the file-name parser.</summary>
    public static bool IsKnown(string label) =>
        label.Length > 0 && !char.IsAsciiDigit(label[0]) &&
        (FileTypes.ContainsValue(label.ToUpperInvariant()) || Enum.TryParse<GgmlType>(label, ignoreCase: true, out _));
}
