namespace WebChat.Services.Knowledge.Parsing;

/// <summary>How far a parser may go before it refuses a file: the file's bytes, what an archive (DOCX) expands to, and pages.</summary>
public sealed record ParsingLimits(long MaxFileBytes, long MaxExpandedBytes, int MaxPages)
{
    public static ParsingLimits Default { get; } = new(20L * 1024 * 1024, 200L * 1024 * 1024, 2000);
}
