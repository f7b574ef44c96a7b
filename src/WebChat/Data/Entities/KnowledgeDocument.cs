namespace WebChat.Data.Entities;

/// <summary>One file in a collection and where its ingestion stands; its passages are <see cref="KnowledgeChunk"/> rows.</summary>
public class KnowledgeDocument
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid CollectionId { get; set; }
    public KnowledgeCollection? Collection { get; set; }
    public required string FileName { get; set; }
    public long SizeBytes { get; set; }
    public required string Sha256 { get; set; }
    public required string UploadedById { get; set; }
    public IngestionStatus Status { get; set; } = IngestionStatus.Queued;

    /// <summary>Why ingestion failed, in words for the person who added the file.</summary>
    public string? Error { get; set; }
    public int ChunkCount { get; set; }
    public int? PageCount { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime? IngestedAt { get; set; }
}

/// <summary>Where a document's ingestion is; stored as text.</summary>
public enum IngestionStatus
{
    Queued,
    Ingesting,
    Ready,
    Failed,
    Cancelled,
}
