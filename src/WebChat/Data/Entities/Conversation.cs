namespace WebChat.Data.Entities;

/// <summary>A chat of one user: its messages and the settings that override the user's defaults.</summary>
public class Conversation
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string UserId { get; set; }
    public ApplicationUser? User { get; set; }
    public string Title { get; set; } = "New chat";
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public DateTime UpdatedAt { get; set; } = DateTime.UtcNow;

    /// <summary>The InstalledModel.Id last used in this conversation.</summary>
    public string? ModelId { get; set; }
    public string? SystemPrompt { get; set; }
    public float? Temperature { get; set; }
    public float? TopP { get; set; }
    public int? MaxTokens { get; set; }
    public List<Message> Messages { get; set; } = [];
}
