using System.Buffers.Binary;
using System.Text;

namespace WebChat.Engine.Gguf.Writing;

/// <summary>Writes GGUF files (for tests and benchmarks): header first, then each tensor's data streamed in order.</summary>
public static class GgufWriter
{
    /// <summary>Writes a GGUF file to a seekable stream; tensor data is aligned to general.alignment (32 when absent).</summary>
    public static void Write(Stream destination, IReadOnlyList<KeyValuePair<string, GgufValue>> metadata, IReadOnlyList<GgufTensorToWrite> tensors, uint version = 3)
    {
        var alignment = metadata.FirstOrDefault(entry => entry.Key == "general.alignment").Value?.AsInteger() ?? GgufHeader.DefaultAlignment;
        // Not disposed: that would close the caller's stream. Pad() flushes after every section.
        var output = new BufferedStream(destination, 1 << 20);
        var start = destination.Position;

        output.Write("GGUF"u8);
        WriteUInt32(output, version);
        WriteUInt64(output, (ulong)tensors.Count);
        WriteUInt64(output, (ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            WriteString(output, key);
            WriteUInt32(output, (uint)value.Type);
            WriteValue(output, value);
        }

        long dataOffset = 0;
        foreach (var tensor in tensors)
        {
            WriteString(output, tensor.Name);
            WriteUInt32(output, (uint)tensor.Dimensions.Count);
            foreach (var dimension in tensor.Dimensions)
            {
                WriteUInt64(output, (ulong)dimension);
            }

            WriteUInt32(output, (uint)tensor.Type);
            WriteUInt64(output, (ulong)dataOffset);
            dataOffset = AlignUp(dataOffset + tensor.ByteSize, alignment);
        }

        Pad(output, start, alignment);
        foreach (var tensor in tensors)
        {
            output.Flush();
            var before = destination.Position;
            tensor.WriteData(destination);
            var written = destination.Position - before;
            if (written != tensor.ByteSize)
            {
                throw new InvalidOperationException($"Tensor '{tensor.Name}' wrote {written} bytes instead of {tensor.ByteSize}.");
            }

            Pad(output, start, alignment);
        }
    }

    private static void WriteValue(Stream output, GgufValue value)
    {
        switch (value.Value)
        {
            case GgufArray array:
                WriteArray(output, array);
                break;
            default:
                WriteScalar(output, value.Value);
                break;
        }
    }

    private static void WriteArray(Stream output, GgufArray array)
    {
        WriteUInt32(output, (uint)array.ElementType);
        WriteUInt64(output, (ulong)array.Length);
        foreach (var item in array.Items)
        {
            if (item is GgufArray nested)
            {
                WriteArray(output, nested);
            }
            else
            {
                WriteScalar(output, item!);
            }
        }
    }

    private static void WriteScalar(Stream output, object value)
    {
        Span<byte> buffer = stackalloc byte[8];
        switch (value)
        {
            case byte v: output.WriteByte(v); break;
            case sbyte v: output.WriteByte((byte)v); break;
            case bool v: output.WriteByte(v ? (byte)1 : (byte)0); break;
            case ushort v: BinaryPrimitives.WriteUInt16LittleEndian(buffer, v); output.Write(buffer[..2]); break;
            case short v: BinaryPrimitives.WriteInt16LittleEndian(buffer, v); output.Write(buffer[..2]); break;
            case uint v: WriteUInt32(output, v); break;
            case int v: BinaryPrimitives.WriteInt32LittleEndian(buffer, v); output.Write(buffer[..4]); break;
            case float v: BinaryPrimitives.WriteSingleLittleEndian(buffer, v); output.Write(buffer[..4]); break;
            case ulong v: WriteUInt64(output, v); break;
            case long v: BinaryPrimitives.WriteInt64LittleEndian(buffer, v); output.Write(buffer); break;
            case double v: BinaryPrimitives.WriteDoubleLittleEndian(buffer, v); output.Write(buffer); break;
            case string v: WriteString(output, v); break;
            default: throw new ArgumentException($"GGUF has no type for {value.GetType().Name}.", nameof(value));
        }
    }

    private static void WriteString(Stream output, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        WriteUInt64(output, (ulong)bytes.Length);
        output.Write(bytes);
    }

    private static void WriteUInt32(Stream output, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, value);
        output.Write(buffer);
    }

    private static void WriteUInt64(Stream output, ulong value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(buffer, value);
        output.Write(buffer);
    }

    private static void Pad(BufferedStream output, long start, long alignment)
    {
        output.Flush();
        var length = output.Position - start;
        var padding = AlignUp(length, alignment) - length;
        for (var i = 0; i < padding; i++)
        {
            output.WriteByte(0);
        }

        output.Flush();
    }

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;
}
