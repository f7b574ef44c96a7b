namespace WebChat.Data.Entities;

/// <summary>
/// One passage of a document with its vector (float32, little-endian, as a BLOB). The integer key is the rowid of the
/// FTS5 index KnowledgeChunksFts, which triggers keep in step (see the AddKnowledge migration).
/// </summary>
public class KnowledgeChunk
{
    public long Id { get; set; }
    public Guid DocumentId { get; set; }

    /// <summary>Copied from the document so a search filters passages without a join.</summary>
    public Guid CollectionId { get; set; }
    public int Ordinal { get; set; }
    public required string Text { get; set; }

    /// <summary>The headings above the passage, outermost first ("Guide › Install").</summary>
    public string? Heading { get; set; }
    public int? Page { get; set; }
    public int Tokens { get; set; }
    public required byte[] Vector { get; set; }

    /// <summary>
    /// The embedder that wrote <see cref="Vector"/>. It differs from the collection's while the collection is re-indexed
    /// for a new embedder; such a passage is left out of vector search (never compared across models) until re-embedded.
    /// </summary>
    public string Embedder { get; set; } = "";
}
