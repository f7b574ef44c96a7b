using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace WebChat.Engine.Gguf;

/// <summary>
/// Parses a GGUF header from bytes in memory. When the bytes run out before the header ends it throws
/// <see cref="NeedMoreBytes"/> (unless the bytes are the whole input, then a <see cref="GgufFormatException"/>),
/// so a caller holding a prefix of the file can fetch more and retry.
/// </summary>
internal ref struct GgufHeaderParser
{
    private static readonly uint[] SupportedVersions = [2, 3];
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    // 2^40 elements is ~250 times the largest tensor of any published model, and keeps every byte sum far from overflow.
    private const long MaxTensorElements = 1L << 40;

    private readonly ReadOnlySpan<byte> _bytes;
    private readonly bool _isWholeInput;
    private readonly GgufReaderLimits _limits;
    private int _position;

    public GgufHeaderParser(ReadOnlySpan<byte> bytes, bool isWholeInput, GgufReaderLimits limits)
    {
        _bytes = bytes;
        _isWholeInput = isWholeInput;
        _limits = limits;
    }

    /// <summary>Thrown (and caught by <see cref="GgufReader"/>) when the prefix ends inside the header.</summary>
    internal sealed class NeedMoreBytes(long requiredLength) : Exception
    {
        public long RequiredLength { get; } = requiredLength;
    }

    public GgufHeader Parse(long? fileLength)
    {
        ReadMagic();
        var version = ReadVersion();
        var tensorCount = ReadCount("tensor count", _limits.MaxTensors, minimumBytesEach: 32);
        var entryCount = ReadCount("metadata entry count", _limits.MaxMetadataEntries, minimumBytesEach: 13);

        var metadata = new List<KeyValuePair<string, GgufValue>>((int)Math.Min(entryCount, 4096));
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < entryCount; i++)
        {
            var keyOffset = _position;
            var key = ReadString("metadata key");
            if (key.Length == 0)
            {
                throw Fail("a metadata key is empty", keyOffset);
            }

            if (!keys.Add(key))
            {
                throw Fail($"metadata key '{key}' appears twice", keyOffset);
            }

            var value = ReadValue(ReadValueType($"type of '{key}'"), key, depth: 0);
            metadata.Add(new(key, value));
        }

        var alignment = CheckAlignment(metadata);
        var tensors = new List<GgufTensorInfo>((int)Math.Min(tensorCount, 4096));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < tensorCount; i++)
        {
            var tensor = ReadTensorInfo(alignment);
            if (!names.Add(tensor.Name))
            {
                throw Fail($"tensor '{tensor.Name}' appears twice", _position);
            }

            tensors.Add(tensor);
        }

        var header = new GgufHeader(version, metadata, tensors, _position, fileLength);
        if (fileLength is { } length)
        {
            CheckTensorsFitInFile(header, length);
        }

        return header;
    }

    private void ReadMagic()
    {
        var magic = Take(4, "magic");
        if (!magic.SequenceEqual("GGUF"u8))
        {
            throw Fail($"the file starts with '{Printable(magic)}' instead of 'GGUF'", 0);
        }
    }

    private uint ReadVersion()
    {
        var offset = _position;
        var version = ReadUInt32("version");
        if (SupportedVersions.Contains(version))
        {
            return version;
        }

        if (SupportedVersions.Contains(BinaryPrimitives.ReverseEndianness(version)))
        {
            throw Fail("the file is big-endian GGUF, which is not supported", offset);
        }

        throw Fail($"version {version} is not supported (only 2 and 3)", offset);
    }

    private long ReadCount(string what, long max, int minimumBytesEach)
    {
        var offset = _position;
        var count = ReadUInt64(what);
        if (count > (ulong)max)
        {
            throw Fail($"{what} {count} is more than the limit of {max}", offset);
        }

        CheckFitsInHeader((long)count * minimumBytesEach, what, offset);
        return (long)count;
    }

    private GgufValueType ReadValueType(string what)
    {
        var offset = _position;
        var type = ReadUInt32(what);
        if (!Enum.IsDefined((GgufValueType)type))
        {
            throw Fail($"unknown value type {type} for {what}", offset);
        }

        return (GgufValueType)type;
    }

    private GgufValue ReadValue(GgufValueType type, string key, int depth) => type switch
    {
        GgufValueType.UInt8 => GgufValue.UInt8(Take(1, key)[0]),
        GgufValueType.Int8 => GgufValue.Int8((sbyte)Take(1, key)[0]),
        GgufValueType.UInt16 => GgufValue.UInt16(BinaryPrimitives.ReadUInt16LittleEndian(Take(2, key))),
        GgufValueType.Int16 => GgufValue.Int16(BinaryPrimitives.ReadInt16LittleEndian(Take(2, key))),
        GgufValueType.UInt32 => GgufValue.UInt32(ReadUInt32(key)),
        GgufValueType.Int32 => GgufValue.Int32(BinaryPrimitives.ReadInt32LittleEndian(Take(4, key))),
        GgufValueType.Float32 => GgufValue.Float32(BinaryPrimitives.ReadSingleLittleEndian(Take(4, key))),
        GgufValueType.Bool => GgufValue.Bool(ReadBool(key)),
        GgufValueType.String => GgufValue.String(ReadString(key)),
        GgufValueType.UInt64 => GgufValue.UInt64(ReadUInt64(key)),
        GgufValueType.Int64 => GgufValue.Int64(BinaryPrimitives.ReadInt64LittleEndian(Take(8, key))),
        GgufValueType.Float64 => GgufValue.Float64(BinaryPrimitives.ReadDoubleLittleEndian(Take(8, key))),
        GgufValueType.Array => GgufValue.Array(ReadArray(key, depth + 1)),
        _ => throw Fail($"unknown value type {type} for '{key}'", _position),
    };

    private GgufArray ReadArray(string key, int depth)
    {
        var offset = _position;
        if (depth > _limits.MaxArrayNesting)
        {
            throw Fail($"arrays in '{key}' are nested deeper than {_limits.MaxArrayNesting} levels", offset);
        }

        var elementType = ReadValueType($"element type of '{key}'");
        var countOffset = _position;
        var count = ReadUInt64($"length of '{key}'");
        if (count > (ulong)_limits.MaxArrayLength)
        {
            throw Fail($"array '{key}' claims {count} elements, more than the limit of {_limits.MaxArrayLength}", countOffset);
        }

        var length = (int)count;
        CheckFitsInHeader((long)length * MinimumBytes(elementType), $"array '{key}'", countOffset);
        return elementType switch
        {
            GgufValueType.UInt8 => new GgufArray(elementType, ReadPrimitives<byte>(length, key)),
            GgufValueType.Int8 => new GgufArray(elementType, ReadPrimitives<sbyte>(length, key)),
            GgufValueType.UInt16 => new GgufArray(elementType, ReadPrimitives<ushort>(length, key)),
            GgufValueType.Int16 => new GgufArray(elementType, ReadPrimitives<short>(length, key)),
            GgufValueType.UInt32 => new GgufArray(elementType, ReadPrimitives<uint>(length, key)),
            GgufValueType.Int32 => new GgufArray(elementType, ReadPrimitives<int>(length, key)),
            GgufValueType.Float32 => new GgufArray(elementType, ReadPrimitives<float>(length, key)),
            GgufValueType.UInt64 => new GgufArray(elementType, ReadPrimitives<ulong>(length, key)),
            GgufValueType.Int64 => new GgufArray(elementType, ReadPrimitives<long>(length, key)),
            GgufValueType.Float64 => new GgufArray(elementType, ReadPrimitives<double>(length, key)),
            GgufValueType.Bool => new GgufArray(elementType, ReadBools(length, key)),
            GgufValueType.String => new GgufArray(elementType, ReadStrings(length, key)),
            _ => new GgufArray(elementType, ReadNestedArrays(length, key, depth)),
        };
    }

    private T[] ReadPrimitives<T>(int length, string key)
        where T : unmanaged
    {
        // GGUF is little-endian and so is every machine .NET runs LLamaSharp on, so the bytes are the values.
        var bytes = Take((long)length * Marshal.SizeOf<T>(), key);
        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private bool[] ReadBools(int length, string key)
    {
        var items = new bool[length];
        for (var i = 0; i < length; i++)
        {
            items[i] = ReadBool(key);
        }

        return items;
    }

    private string[] ReadStrings(int length, string key)
    {
        var items = new string[length];
        for (var i = 0; i < length; i++)
        {
            items[i] = ReadString(key);
        }

        return items;
    }

    private GgufArray[] ReadNestedArrays(int length, string key, int depth)
    {
        var items = new GgufArray[length];
        for (var i = 0; i < length; i++)
        {
            items[i] = ReadArray(key, depth + 1);
        }

        return items;
    }

    private GgufTensorInfo ReadTensorInfo(uint alignment)
    {
        var nameOffset = _position;
        var name = ReadString("tensor name");
        if (name.Length == 0)
        {
            throw Fail("a tensor name is empty", nameOffset);
        }

        var dimensionCountOffset = _position;
        var dimensionCount = ReadUInt32($"dimension count of '{name}'");
        if (dimensionCount is 0 or > 4)
        {
            throw Fail($"tensor '{name}' has {dimensionCount} dimensions (1 to 4 allowed)", dimensionCountOffset);
        }

        var dimensions = new long[dimensionCount];
        long elements = 1;
        for (var i = 0; i < dimensionCount; i++)
        {
            var dimensionOffset = _position;
            var dimension = ReadUInt64($"dimension {i} of '{name}'");
            if (dimension == 0 || dimension > (ulong)(MaxTensorElements / elements))
            {
                throw Fail($"tensor '{name}' has an impossible dimension {dimension}", dimensionOffset);
            }

            dimensions[i] = (long)dimension;
            elements *= (long)dimension;
        }

        var typeOffset = _position;
        var type = (GgmlType)ReadUInt32($"type of '{name}'");
        if (!GgmlTypeSizes.IsKnown(type))
        {
            throw Fail($"tensor '{name}' has unknown type {(uint)type}", typeOffset);
        }

        if (dimensions[0] % GgmlTypeSizes.BlockElements(type) != 0)
        {
            throw Fail($"tensor '{name}' has {dimensions[0]} elements per row, not a multiple of {type}'s block of {GgmlTypeSizes.BlockElements(type)}", dimensionCountOffset);
        }

        var offsetOffset = _position;
        var dataOffset = ReadUInt64($"data offset of '{name}'");
        if (dataOffset > long.MaxValue / 2 || dataOffset % alignment != 0)
        {
            throw Fail($"tensor '{name}' has data offset {dataOffset}, which is not a multiple of the alignment {alignment}", offsetOffset);
        }

        return new GgufTensorInfo(name, dimensions, type, (long)dataOffset);
    }

    private uint CheckAlignment(List<KeyValuePair<string, GgufValue>> metadata)
    {
        var entry = metadata.Find(pair => pair.Key == "general.alignment");
        if (entry.Key is null)
        {
            return GgufHeader.DefaultAlignment;
        }

        if (entry.Value.Value is not uint alignment || alignment == 0 || !BitOperations.IsPow2(alignment))
        {
            throw Fail($"general.alignment is {entry.Value} ({entry.Value.Type}); it must be a power of two of type UInt32", _position);
        }

        return alignment;
    }

    private static void CheckTensorsFitInFile(GgufHeader header, long fileLength)
    {
        foreach (var tensor in header.Tensors)
        {
            var end = header.DataOffset + tensor.Offset + tensor.ByteSize;
            if (end > fileLength)
            {
                throw new GgufFormatException(
                    $"tensor '{tensor.Name}' needs bytes up to {end} but the file has only {fileLength} (is it truncated?)", fileLength);
            }
        }
    }

    private bool ReadBool(string key)
    {
        var offset = _position;
        return Take(1, key)[0] switch
        {
            0 => false,
            1 => true,
            var other => throw Fail($"'{key}' has bool value {other} (only 0 and 1 allowed)", offset),
        };
    }

    private string ReadString(string what)
    {
        var offset = _position;
        var length = ReadUInt64($"length of {what}");
        if (length > (ulong)_limits.MaxStringBytes)
        {
            throw Fail($"{what} claims {length} bytes, more than the limit of {_limits.MaxStringBytes}", offset);
        }

        return Utf8.GetString(Take((long)length, what));
    }

    private uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));

    private ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, what));

    private ReadOnlySpan<byte> Take(long count, string what)
    {
        CheckFitsInHeader(count, what, _position);
        var end = _position + count;
        if (end > _bytes.Length)
        {
            if (_isWholeInput)
            {
                throw Fail($"the file ends while reading {what} ({count} bytes needed, {_bytes.Length - _position} left)", _position);
            }

            throw new NeedMoreBytes(end);
        }

        var span = _bytes.Slice(_position, (int)count);
        _position = (int)end;
        return span;
    }

    private void CheckFitsInHeader(long count, string what, long offset)
    {
        if (count < 0 || _position + count > _limits.MaxHeaderBytes)
        {
            throw Fail($"{what} would make the header larger than the limit of {_limits.MaxHeaderBytes} bytes", offset);
        }
    }

    private static int MinimumBytes(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.Array => 12,
        _ => 8,
    };

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var builder = new StringBuilder();
        foreach (var b in bytes)
        {
            builder.Append(b is >= 0x20 and < 0x7F ? (char)b : '?');
        }

        return builder.ToString();
    }

    private static GgufFormatException Fail(string problem, long offset) => new(problem, offset);
}
