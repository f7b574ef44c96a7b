namespace WebChat.Services.Knowledge.Chunking;

/// <summary>One passage of a document as it is stored and searched: its text, the headings above it and the page it starts on.</summary>
public sealed record DocumentChunk(int Ordinal, string Text, string? Heading, int? Page, int Tokens)
{
    /// <summary>What the embedder reads: the heading path gives a short passage its context.</summary>
    public string EmbeddingText => Heading is null ? Text : Heading + "\n" + Text;
}
