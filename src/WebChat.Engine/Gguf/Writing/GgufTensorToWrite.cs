namespace WebChat.Engine.Gguf.Writing;

/// <summary>A tensor for <see cref="GgufWriter"/>: its shape (innermost first) and a callback that writes exactly its bytes.</summary>
public sealed record GgufTensorToWrite(string Name, IReadOnlyList<long> Dimensions, GgmlType Type, Action<Stream> WriteData)
{
    public long ByteSize => GgmlTypeSizes.ByteSize(Type, Dimensions.Aggregate(1L, (product, dimension) => product * dimension));
}
