namespace WebChat.Data.Entities;

/// <summary>One finished generation: who, which model, how many tokens, how fast.</summary>
public class UsageRecord
{
    public long Id { get; set; }
    public required string UserId { get; set; }
    public Guid? ConversationId { get; set; }
    public required string Model { get; set; }
    public int PromptTokens { get; set; }
    public int ReusedPromptTokens { get; set; }
    public int CompletionTokens { get; set; }
    public double TimeToFirstTokenMs { get; set; }
    public double DurationMs { get; set; }

    /// <summary>The engine's FinishReason as text (Stop, Length, Cancelled, Error).</summary>
    public required string FinishReason { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;

    /// <summary>The preset's name when the answer was written with one.</summary>
    public string? Preset { get; set; }

    /// <summary>Where the request came from: the chat page or the API.</summary>
    public UsageSource Source { get; set; } = UsageSource.Chat;

    /// <summary>The engine that answered: "local" for the in-process one, else the remote engine's name.</summary>
    public string? Engine { get; set; }

    /// <summary>The API key that made the request; null for the chat page.</summary>
    public Guid? ApiKeyId { get; set; }
}

/// <summary>Where a generation was asked for; stored as text.</summary>
public enum UsageSource
{
    Chat,
    Api,
}
