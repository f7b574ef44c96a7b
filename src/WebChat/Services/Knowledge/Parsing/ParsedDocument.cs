namespace WebChat.Services.Knowledge.Parsing;

/// <summary>What a block of a document is: chunking starts a new chunk at every heading and keeps code apart.</summary>
public enum BlockKind
{
    Heading,
    Paragraph,
    Code,
}

/// <summary>One structural piece of a document, in reading order, with the page it sits on (PDF) and its heading level.</summary>
public sealed record DocumentBlock(BlockKind Kind, string Text, int? Page = null, int Level = 0);

/// <summary>A document's text as an ordered list of blocks, independent of its format.</summary>
public sealed record ParsedDocument(IReadOnlyList<DocumentBlock> Blocks, int? PageCount = null)
{
    public bool IsEmpty => Blocks.All(b => string.IsNullOrWhiteSpace(b.Text));
}
