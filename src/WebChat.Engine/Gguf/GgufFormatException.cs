namespace WebChat.Engine.Gguf;

/// <summary>The bytes are not a valid GGUF header; says what is wrong and at which byte offset.</summary>
public sealed class GgufFormatException : FormatException
{
    public GgufFormatException(string problem, long offset)
        : base($"Not a valid GGUF file: {problem} (at byte offset {offset}).")
    {
        Problem = problem;
        Offset = offset;
    }

    /// <summary>What is wrong, without the offset.</summary>
    public string Problem { get; }

    /// <summary>Byte offset from the start of the file where the problem was found.</summary>
    public long Offset { get; }
}
