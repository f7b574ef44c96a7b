using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebChat.Api.OpenAi;

/// <summary>POST /v1/completions as sent: a plain prompt, for editors' autocompletion.</summary>
public sealed record CompletionRequest
{
    public string? Model { get; init; }

    /// <summary>A string, or an array of one string.</summary>
    public JsonElement? Prompt { get; init; }
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? MaxTokens { get; init; }
    public JsonElement? Stop { get; init; }
    public long? Seed { get; init; }
    public bool? Stream { get; init; }
    public StreamOptions? StreamOptions { get; init; }
    public int? N { get; init; }
}

/// <summary>An answer of /v1/completions, whole or one streamed chunk (object "text_completion" for both, as OpenAI does).</summary>
public sealed record TextCompletion(string Id, long Created, string Model, IReadOnlyList<TextCompletionChoice> Choices)
{
    [JsonPropertyName("object")]
    public string ObjectType => "text_completion";
    public OpenAiUsage? Usage { get; init; }
}

public sealed record TextCompletionChoice(int Index, string Text)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs => null;
}
