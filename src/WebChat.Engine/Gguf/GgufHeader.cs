namespace WebChat.Engine.Gguf;

/// <summary>Everything in a GGUF file before the tensor data: version, metadata in file order and tensor infos.</summary>
public sealed class GgufHeader
{
    public const uint DefaultAlignment = 32;

    private readonly Dictionary<string, GgufValue> _byKey;

    public GgufHeader(uint version, IReadOnlyList<KeyValuePair<string, GgufValue>> metadata, IReadOnlyList<GgufTensorInfo> tensors, long headerLength, long? fileLength = null)
    {
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        HeaderLength = headerLength;
        FileLength = fileLength;
        _byKey = metadata.ToDictionary(entry => entry.Key, entry => entry.Value, StringComparer.Ordinal);
        Alignment = _byKey.TryGetValue("general.alignment", out var alignment) && alignment.AsInteger() is { } a ? (uint)a : DefaultAlignment;
    }

    public uint Version { get; }

    public IReadOnlyList<KeyValuePair<string, GgufValue>> Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    public uint Alignment { get; }

    /// <summary>Bytes from the start of the file to the end of the last tensor info.</summary>
    public long HeaderLength { get; }

    /// <summary>Where tensor data starts: the header length rounded up to the alignment.</summary>
    public long DataOffset => (HeaderLength + Alignment - 1) / Alignment * Alignment;

    /// <summary>Size of the whole file when the reader knew it.</summary>
    public long? FileLength { get; }

    /// <summary>Bytes of tensor data (the sum of every tensor's size).</summary>
    public long TensorDataBytes => Tensors.Sum(tensor => tensor.ByteSize);

    public bool TryGetValue(string key, out GgufValue value) => _byKey.TryGetValue(key, out value!);

    public GgufValue? this[string key] => _byKey.GetValueOrDefault(key);

    public string? GetString(string key) => this[key]?.AsString();

    public long? GetInteger(string key) => this[key]?.AsInteger();

    public double? GetNumber(string key) => this[key]?.AsNumber();

    /// <summary>The architecture ("llama", "qwen2", ...) or null when general.architecture is missing.</summary>
    public string? Architecture => GetString("general.architecture");
}
