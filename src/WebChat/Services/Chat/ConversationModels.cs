using WebChat.Data.Entities;
using WebChat.Services.Knowledge;

namespace WebChat.Services.Chat;

/// <summary>A row of the conversation list.</summary>
public sealed record ConversationSummary(Guid Id, string Title, DateTime UpdatedAt);

/// <summary>Sampling and prompt settings of one conversation; null means "use my defaults".</summary>
public sealed record ConversationOverrides(string? SystemPrompt, float? Temperature, float? TopP, int? MaxTokens);

/// <summary>A message as the page shows it.</summary>
public sealed record MessageView(
    Guid Id,
    int Sequence,
    MessageRole Role,
    string Content,
    MessageStatus Status,
    string? Error,
    string? Notice,
    string? Model,
    int? CompletionTokens,
    double? TokensPerSecond,
    double? TimeToFirstTokenMs,
    DateTime CreatedAt,
    string? Reasoning = null,
    double? ReasoningMs = null,
    IReadOnlyList<Citation>? Citations = null)
{
    public static MessageView From(Message m) => From(m, null);

    /// <summary>The message with the numbered sources its answer was given (none for most messages).</summary>
    public static MessageView From(Message m, IReadOnlyList<Citation>? citations) => new(
        m.Id, m.Sequence, m.Role, m.Content, m.Status, m.Error, m.Notice, m.Model,
        m.CompletionTokens, m.TokensPerSecond, m.TimeToFirstTokenMs, m.CreatedAt, m.Reasoning, m.ReasoningMs, citations);
}

/// <summary>A conversation with its messages in order.</summary>
public sealed record ConversationDetail(
    Guid Id,
    string Title,
    string? ModelId,
    ConversationOverrides Overrides,
    IReadOnlyList<MessageView> Messages);
