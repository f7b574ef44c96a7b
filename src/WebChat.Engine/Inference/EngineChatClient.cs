using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using AiChatRole = Microsoft.Extensions.AI.ChatRole;

namespace WebChat.Engine.Inference;

/// <summary>Microsoft.Extensions.AI's IChatClient over the engine, so the app, the HTTP API and a remote engine share one abstraction.</summary>
public sealed class EngineChatClient(IInferenceEngine engine) : IChatClient
{
    /// <summary>Key of the engine's <see cref="ChatSummary"/> in the last update's AdditionalProperties.</summary>
    public const string SummaryKey = "webchat.summary";

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        await GetStreamingResponseAsync(messages, options, cancellationToken).ToChatResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = ToRequest(messages, options);
        var responseId = Guid.NewGuid().ToString("N");
        await foreach (var update in engine.StreamChatAsync(request, cancellationToken))
        {
            switch (update)
            {
                case TextDelta delta:
                    yield return new ChatResponseUpdate(AiChatRole.Assistant, delta.Text) { ResponseId = responseId, ConversationId = request.ConversationKey };
                    break;
                case ChatSummary summary:
                    yield return Final(summary, responseId, request.ConversationKey, cancellationToken);
                    break;
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return new ChatClientMetadata("webchat-llama.cpp", defaultModelId: engine.Status.ModelName);
        }

        return serviceType.IsInstanceOfType(this) ? this : serviceType.IsInstanceOfType(engine) ? engine : null;
    }

    public void Dispose()
    {
        // The engine is a shared singleton; this client owns nothing.
    }

    internal static ChatRequest ToRequest(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var turns = new List<ChatTurn>();
        if (options?.Instructions is { Length: > 0 } instructions)
        {
            turns.Add(new ChatTurn(ChatRole.System, instructions));
        }

        turns.AddRange(messages.Select(m => new ChatTurn(ToRole(m.Role), m.Text)));
        var defaults = new SamplingOptions();
        return new ChatRequest
        {
            Messages = turns,
            ConversationKey = options?.ConversationId,
            MaxTokens = options?.MaxOutputTokens ?? 1024,
            StopStrings = options?.StopSequences?.ToArray() ?? [],
            Sampling = new SamplingOptions
            {
                Temperature = options?.Temperature ?? defaults.Temperature,
                TopP = options?.TopP ?? defaults.TopP,
                TopK = options?.TopK ?? defaults.TopK,
                Seed = options?.Seed is { } seed ? unchecked((uint)seed) : null,
            },
        };
    }

    private static ChatRole ToRole(AiChatRole role) =>
        role == AiChatRole.System ? ChatRole.System : role == AiChatRole.Assistant ? ChatRole.Assistant : ChatRole.User;

    private static ChatResponseUpdate Final(ChatSummary summary, string responseId, string? conversationId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (summary.FinishReason == FinishReason.Error)
        {
            throw new EngineException(summary.Message ?? "The engine failed to answer.");
        }

        var usage = new UsageDetails
        {
            InputTokenCount = summary.PromptTokens,
            CachedInputTokenCount = summary.ReusedPromptTokens,
            OutputTokenCount = summary.CompletionTokens,
            TotalTokenCount = summary.PromptTokens + summary.CompletionTokens,
        };
        return new ChatResponseUpdate(AiChatRole.Assistant, [new UsageContent(usage)])
        {
            ResponseId = responseId,
            ConversationId = conversationId,
            ModelId = summary.Model,
            FinishReason = summary.FinishReason switch
            {
                FinishReason.Stop => ChatFinishReason.Stop,
                FinishReason.Length => ChatFinishReason.Length,
                _ => new ChatFinishReason("cancelled"),
            },
            AdditionalProperties = new AdditionalPropertiesDictionary { [SummaryKey] = summary },
        };
    }
}
