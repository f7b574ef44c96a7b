using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebChat.Api.OpenAi;

/// <summary>POST /v1/chat/completions as sent; <see cref="OpenAiRequestMapper"/> checks it.</summary>
public sealed record ChatCompletionRequest
{
    public string? Model { get; init; }
    public List<ChatMessageRequest>? Messages { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? MaxTokens { get; init; }
    public int? MaxCompletionTokens { get; init; }

    /// <summary>A string or an array of strings.</summary>
    public JsonElement? Stop { get; init; }
    public long? Seed { get; init; }
    public bool? Stream { get; init; }
    public StreamOptions? StreamOptions { get; init; }
    public int? N { get; init; }
}

public sealed record ChatMessageRequest
{
    public string? Role { get; init; }

    /// <summary>A string, an array of content parts ({"type":"text","text":...}), or null.</summary>
    public JsonElement? Content { get; init; }
}

public sealed record StreamOptions
{
    public bool? IncludeUsage { get; init; }
}

/// <summary>Token counts as OpenAI reports them.</summary>
public sealed record OpenAiUsage(int PromptTokens, int CompletionTokens, int TotalTokens)
{
    /// <summary>How many prompt tokens came from the KV cache of an earlier request instead of being computed.</summary>
    public PromptTokensDetails? PromptTokensDetails { get; init; }
}

/// <summary>OpenAI's breakdown of prompt tokens; llama-server and vLLM report cached_tokens the same way.</summary>
public sealed record PromptTokensDetails(int CachedTokens);

/// <summary>A non-streaming answer (object "chat.completion").</summary>
public sealed record ChatCompletion(string Id, long Created, string Model, IReadOnlyList<ChatCompletionChoice> Choices, OpenAiUsage Usage)
{
    [JsonPropertyName("object")]
    public string ObjectType => "chat.completion";
}

public sealed record ChatCompletionChoice(int Index, AssistantMessage Message, string FinishReason)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs => null;
}

public sealed record AssistantMessage(string Content)
{
    public string Role => "assistant";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Refusal => null;
}

/// <summary>One server-sent event of a streamed answer (object "chat.completion.chunk").</summary>
public sealed record ChatCompletionChunk(string Id, long Created, string Model, IReadOnlyList<ChunkChoice> Choices)
{
    [JsonPropertyName("object")]
    public string ObjectType => "chat.completion.chunk";

    /// <summary>Only on the last chunk when stream_options.include_usage; its choices are empty.</summary>
    public OpenAiUsage? Usage { get; init; }
}

public sealed record ChunkChoice(int Index, ChunkDelta Delta)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs => null;
}

/// <summary>The role comes in the first delta only; the final chunk's delta is empty.</summary>
public sealed record ChunkDelta(string? Role = null, string? Content = null);
