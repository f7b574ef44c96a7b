namespace WebChat.Data.Entities;

/// <summary>
/// An installed model's file on one node (WebChat:NodeName): each node has its own models folder, so a model row
/// shared by every node is served only where a copy is.
/// </summary>
public class ModelCopy
{
    public required string ModelId { get; set; }
    public required string Node { get; set; }
    public DateTime CopiedAt { get; set; } = DateTime.UtcNow;
}
