using System.Runtime.InteropServices;

namespace WebChat.Services.Knowledge.Embedding;

/// <summary>Vectors as BLOBs: float32 in the machine's byte order (little-endian on every platform .NET runs WebChat on).</summary>
public static class VectorCodec
{
    public static byte[] ToBytes(ReadOnlySpan<float> vector) => MemoryMarshal.AsBytes(vector).ToArray();

    public static float[] ToVector(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}
