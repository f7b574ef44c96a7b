namespace WebChat.Data.Entities;

/// <summary>A collection a chat searches before each answer.</summary>
public class ConversationCollection
{
    public Guid ConversationId { get; set; }
    public Guid CollectionId { get; set; }
}
