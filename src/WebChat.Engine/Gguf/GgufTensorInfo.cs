namespace WebChat.Engine.Gguf;

/// <summary>A tensor's name, dimensions (innermost first, as ggml lists them), type and offset inside the data section.</summary>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Dimensions, GgmlType Type, long Offset)
{
    public long ElementCount => Dimensions.Aggregate(1L, (product, dimension) => checked(product * dimension));

    public long ByteSize => GgmlTypeSizes.ByteSize(Type, ElementCount);
}
