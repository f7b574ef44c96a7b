using System.ComponentModel.DataAnnotations;

namespace WebChat.Services.Knowledge.Chunking;

/// <summary>How large passages are and how much of the previous passage the next one repeats.</summary>
public sealed record ChunkingOptions
{
    /// <summary>Tokens per passage at most; all-MiniLM-L6-v2 reads 256 word pieces, so the default leaves room for the heading.</summary>
    [Range(32, 2048)]
    public int MaxTokens { get; init; } = 160;

    /// <summary>Tokens of the previous passage repeated at the start of the next one within a section, so a fact cut at a boundary is whole in one of them.</summary>
    [Range(0, 512)]
    public int OverlapTokens { get; init; } = 24;
}
