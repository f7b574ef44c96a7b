using System.Buffers.Binary;
using System.Text;

namespace WebChat.Tests.Unit.Engine.Gguf;

/// <summary>Writes GGUF header bytes field by field, so tests can craft headers the writer would never produce.</summary>
internal sealed class RawHeaderBuilder
{
    private readonly List<byte> _bytes = [];

    public long Position => _bytes.Count;

    public static RawHeaderBuilder Start(ulong tensorCount, ulong entryCount, uint version = 3) =>
        new RawHeaderBuilder().Bytes("GGUF"u8).U32(version).U64(tensorCount).U64(entryCount);

    public RawHeaderBuilder Bytes(ReadOnlySpan<byte> bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public RawHeaderBuilder U32(uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        return Bytes(buffer);
    }

    public RawHeaderBuilder U64(ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        return Bytes(buffer);
    }

    public RawHeaderBuilder Str(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return U64((ulong)bytes.Length).Bytes(bytes);
    }

    public byte[] ToArray() => _bytes.ToArray();
}
