namespace WebChat.Data.Entities;

/// <summary>One turn of a conversation, with the generation figures of an assistant answer.</summary>
public class Message
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public Guid ConversationId { get; set; }
    public Conversation? Conversation { get; set; }

    /// <summary>Position in the conversation, 0-based; unique per conversation.</summary>
    public int Sequence { get; set; }
    public MessageRole Role { get; set; }
    public string Content { get; set; } = "";
    public MessageStatus Status { get; set; } = MessageStatus.Complete;
    public string? Error { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
    public string? Model { get; set; }
    public int? PromptTokens { get; set; }
    public int? ReusedPromptTokens { get; set; }
    public int? CompletionTokens { get; set; }
    public double? TimeToFirstTokenMs { get; set; }
    public double? TokensPerSecond { get; set; }

    /// <summary>Something the person should know about this answer, e.g. "2 old turns dropped".</summary>
    public string? Notice { get; set; }

    /// <summary>What a reasoning model wrote inside its reasoning tags: shown apart, never sent back to the model.</summary>
    public string? Reasoning { get; set; }

    /// <summary>How long the model reasoned, from the first reasoning token to the end tag.</summary>
    public double? ReasoningMs { get; set; }
}

/// <summary>Who wrote a message; stored as text.</summary>
public enum MessageRole
{
    System,
    User,
    Assistant,
}

/// <summary>Where a message is in its life; stored as text.</summary>
public enum MessageStatus
{
    Complete,
    Streaming,
    Stopped,
    Failed,
}
