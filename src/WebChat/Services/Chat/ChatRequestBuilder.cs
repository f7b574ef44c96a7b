using WebChat.Data.Entities;
using WebChat.Engine.Inference;

namespace WebChat.Services.Chat;

/// <summary>Turns stored messages plus the user's defaults and the conversation's overrides into an engine request.</summary>
public static class ChatRequestBuilder
{
    public static ChatRequest Build(Conversation conversation, IEnumerable<Message> history, ChatSettings settings, ChatOptions defaults)
    {
        var turns = new List<ChatTurn>();
        var systemPrompt = conversation.SystemPrompt ?? settings.SystemPrompt;
        if (!string.IsNullOrWhiteSpace(systemPrompt))
        {
            turns.Add(new ChatTurn(ChatRole.System, systemPrompt));
        }

        // Failed answers and empty placeholders are not part of what was said.
        foreach (var message in history.OrderBy(m => m.Sequence))
        {
            if (message.Status == MessageStatus.Failed || message.Content.Length == 0)
            {
                continue;
            }

            turns.Add(new ChatTurn(ToRole(message.Role), message.Content));
        }

        return new ChatRequest
        {
            Messages = turns,
            Sampling = new SamplingOptions
            {
                Temperature = conversation.Temperature ?? settings.Temperature ?? defaults.DefaultTemperature,
                TopP = conversation.TopP ?? settings.TopP ?? defaults.DefaultTopP,
            },
            MaxTokens = conversation.MaxTokens ?? settings.MaxTokens ?? defaults.DefaultMaxTokens,
            ConversationKey = conversation.Id.ToString(),
            UserKey = conversation.UserId,
        };
    }

    /// <summary>
    /// Puts the numbered sources before the question in the last user turn. There rather than in the system prompt, so
    /// the system prompt and earlier turns stay the same from turn to turn and the engine reuses their cached prefix.
    /// </summary>
    public static ChatRequest WithSources(ChatRequest request, string sources)
    {
        var last = request.Messages.Select((turn, index) => (turn, index)).LastOrDefault(t => t.turn.Role == ChatRole.User);
        if (last.turn is null)
        {
            return request;
        }

        var turns = request.Messages.ToList();
        turns[last.index] = last.turn with { Content = $"{sources}\nQuestion: {last.turn.Content}" };
        return request with { Messages = turns };
    }

    private static ChatRole ToRole(MessageRole role) => role switch
    {
        MessageRole.System => ChatRole.System,
        MessageRole.User => ChatRole.User,
        _ => ChatRole.Assistant,
    };
}
