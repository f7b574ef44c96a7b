namespace WebChat.Services.Chat;

/// <summary>Base of the chat's expected failures; Message is written for a person.</summary>
public class ChatException(string message) : Exception(message);

/// <summary>The conversation does not exist or belongs to someone else (the two look the same on purpose).</summary>
public sealed class ConversationNotFoundException(Guid id) : ChatException("This conversation does not exist.")
{
    public Guid ConversationId { get; } = id;
}

/// <summary>An answer is still being written in this conversation.</summary>
public sealed class GenerationInProgressException()
    : ChatException("An answer is still being written in this conversation. Stop it first.");

/// <summary>The requested edit or regenerate does not fit the conversation (e.g. no answer to regenerate).</summary>
public sealed class InvalidChatOperationException(string message) : ChatException(message);

/// <summary>An imported file is not a conversation this app can read.</summary>
public sealed class ConversationImportException(string message) : ChatException(message);
