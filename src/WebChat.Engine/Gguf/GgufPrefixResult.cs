namespace WebChat.Engine.Gguf;

/// <summary>Result of reading a header from the first bytes of a file: the header, or how many bytes are needed in all.</summary>
public sealed record GgufPrefixResult
{
    private GgufPrefixResult(GgufHeader? header, long requiredLength)
    {
        Header = header;
        RequiredLength = requiredLength;
    }

    /// <summary>The header when the prefix held all of it; null when more bytes are needed.</summary>
    public GgufHeader? Header { get; }

    /// <summary>When incomplete: the prefix length needed at least (from the start of the file) to get further.</summary>
    public long RequiredLength { get; }

    public bool IsComplete => Header is not null;

    internal static GgufPrefixResult Complete(GgufHeader header) => new(header, header.HeaderLength);

    internal static GgufPrefixResult NeedsMore(long requiredLength) => new(null, requiredLength);
}
