namespace WebChat.Data.Entities;

/// <summary>A named set of documents searched together; who sees it follows its <see cref="Scope"/>.</summary>
public class KnowledgeCollection
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }
    public string? Description { get; set; }

    /// <summary>Who made it; for a team collection the admin who made it.</summary>
    public required string OwnerId { get; set; }
    public CollectionScope Scope { get; set; } = CollectionScope.Private;

    /// <summary>Set for the collection that holds the files attached to one chat.</summary>
    public Guid? ConversationId { get; set; }

    /// <summary>The embedder that wrote this collection's vectors (e.g. "minilm-l6-v2"); queries use the same one.</summary>
    public required string Embedder { get; set; }
    public int Dimensions { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public List<KnowledgeDocument> Documents { get; set; } = [];
}

/// <summary>Who sees a collection; stored as text.</summary>
public enum CollectionScope
{
    /// <summary>Its owner alone.</summary>
    Private,

    /// <summary>Everyone can search it; its owner changes it.</summary>
    Shared,

    /// <summary>Made by an admin for everyone; admins change it.</summary>
    Team,

    /// <summary>The files attached to one chat; its owner alone.</summary>
    Conversation,
}
