using System.ComponentModel.DataAnnotations;
using WebChat.Services.Knowledge.Chunking;
using WebChat.Services.Knowledge.Parsing;

namespace WebChat.Services.Knowledge;

/// <summary>Documents and collections (section "WebChat:Knowledge"): limits, passage size and how much of a prompt sources may take.</summary>
public sealed class KnowledgeOptions
{
    public const string SectionName = "WebChat:Knowledge";

    /// <summary>Largest file that can be added.</summary>
    [Range(1, 1024)]
    public int MaxFileMegabytes { get; set; } = 20;

    /// <summary>What a DOCX may expand to when unpacked; a larger one is refused as a likely "zip bomb".</summary>
    [Range(1, 4096)]
    public int MaxExpandedMegabytes { get; set; } = 200;

    /// <summary>Most pages of a PDF that can be added.</summary>
    [Range(1, 100_000)]
    public int MaxPages { get; set; } = 2000;

    /// <summary>Bytes of files one person may keep in all their collections and chats together.</summary>
    [Range(1, 1_000_000)]
    public int StoragePerUserMegabytes { get; set; } = 500;

    /// <summary>Tokens per passage at most.</summary>
    [Range(32, 2048)]
    public int ChunkTokens { get; set; } = 160;

    /// <summary>Tokens of a passage repeated at the start of the next one.</summary>
    [Range(0, 512)]
    public int OverlapTokens { get; set; } = 24;

    /// <summary>How many passages an answer is given at most.</summary>
    [Range(1, 20)]
    public int PassagesPerAnswer { get; set; } = 5;

    /// <summary>Share of the model's context that sources may take, after the question and the answer's room are set aside.</summary>
    [Range(0.05, 0.9)]
    public double SourceShareOfContext { get; set; } = 0.5;

    public ParsingLimits ParsingLimits => new(MaxFileMegabytes * 1024L * 1024, MaxExpandedMegabytes * 1024L * 1024, MaxPages);

    public ChunkingOptions Chunking => new() { MaxTokens = ChunkTokens, OverlapTokens = OverlapTokens };
}
