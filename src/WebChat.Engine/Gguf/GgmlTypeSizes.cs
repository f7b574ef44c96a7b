namespace WebChat.Engine.Gguf;

/// <summary>Block layout of each ggml type: elements per block and bytes per block (from ggml.c's type traits).</summary>
public static class GgmlTypeSizes
{
    private static readonly Dictionary<GgmlType, (int BlockElements, int BlockBytes)> Layouts = new()
    {
        [GgmlType.F32] = (1, 4),
        [GgmlType.F16] = (1, 2),
        [GgmlType.Q4_0] = (32, 18),
        [GgmlType.Q4_1] = (32, 20),
        [GgmlType.Q5_0] = (32, 22),
        [GgmlType.Q5_1] = (32, 24),
        [GgmlType.Q8_0] = (32, 34),
        [GgmlType.Q8_1] = (32, 36),
        [GgmlType.Q2_K] = (256, 84),
        [GgmlType.Q3_K] = (256, 110),
        [GgmlType.Q4_K] = (256, 144),
        [GgmlType.Q5_K] = (256, 176),
        [GgmlType.Q6_K] = (256, 210),
        [GgmlType.Q8_K] = (256, 292),
        [GgmlType.IQ2_XXS] = (256, 66),
        [GgmlType.IQ2_XS] = (256, 74),
        [GgmlType.IQ3_XXS] = (256, 98),
        [GgmlType.IQ1_S] = (256, 50),
        [GgmlType.IQ4_NL] = (32, 18),
        [GgmlType.IQ3_S] = (256, 110),
        [GgmlType.IQ2_S] = (256, 82),
        [GgmlType.IQ4_XS] = (256, 136),
        [GgmlType.I8] = (1, 1),
        [GgmlType.I16] = (1, 2),
        [GgmlType.I32] = (1, 4),
        [GgmlType.I64] = (1, 8),
        [GgmlType.F64] = (1, 8),
        [GgmlType.IQ1_M] = (256, 56),
        [GgmlType.BF16] = (1, 2),
        [GgmlType.TQ1_0] = (256, 54),
        [GgmlType.TQ2_0] = (256, 66),
        [GgmlType.MXFP4] = (32, 17),
    };

    public static bool IsKnown(GgmlType type) => Layouts.ContainsKey(type);

    public static int BlockElements(GgmlType type) => Layouts[type].BlockElements;

    public static int BlockBytes(GgmlType type) => Layouts[type].BlockBytes;

    /// <summary>Bytes that <paramref name="elements"/> values of <paramref name="type"/> occupy; elements must fill whole blocks.</summary>
    public static long ByteSize(GgmlType type, long elements)
    {
        var (blockElements, blockBytes) = Layouts[type];
        return checked(elements / blockElements * blockBytes);
    }

    /// <summary>Average bits per weight, e.g. 8.5 for Q8_0.</summary>
    public static double BitsPerWeight(GgmlType type)
    {
        var (blockElements, blockBytes) = Layouts[type];
        return blockBytes * 8.0 / blockElements;
    }
}
