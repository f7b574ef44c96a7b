namespace WebChat.Data.Entities;

/// <summary>A file's bytes between upload and ingestion; removed once the document is ready, failed or cancelled.</summary>
public class KnowledgeUpload
{
    public Guid DocumentId { get; set; }
    public required byte[] Content { get; set; }
}
