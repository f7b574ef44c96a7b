namespace WebChat.Engine.Gguf;

/// <summary>Upper bounds that keep a hostile or corrupt header from making the reader allocate without limit.</summary>
public sealed record GgufReaderLimits
{
    /// <summary>The largest header accepted; real ones are a few MB (a 256k-token vocabulary with merges is ~20 MB).</summary>
    public long MaxHeaderBytes { get; init; } = 128L * 1024 * 1024;

    public long MaxStringBytes { get; init; } = 16L * 1024 * 1024;

    public long MaxArrayLength { get; init; } = 16L * 1024 * 1024;

    public int MaxArrayNesting { get; init; } = 8;

    public long MaxMetadataEntries { get; init; } = 1_000_000;

    public long MaxTensors { get; init; } = 65_536;

    public static GgufReaderLimits Default { get; } = new();
}
