using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebChat.Api.OpenAi;

/// <summary>POST /v1/embeddings body: <c>input</c> is a string or an array of strings (token arrays are not accepted).</summary>
public sealed record EmbeddingRequest(JsonElement Input, string? Model, string? EncodingFormat, int? Dimensions, string? User);

/// <summary>One vector; <see cref="Embedding"/> is a float array, or a base64 string of little-endian float32 when asked for.</summary>
public sealed record EmbeddingData(int Index, object Embedding)
{
    [JsonPropertyName("object")]
    public string ObjectType => "embedding";
}

public sealed record EmbeddingUsage(int PromptTokens, int TotalTokens);

public sealed record EmbeddingList(IReadOnlyList<EmbeddingData> Data, string Model, EmbeddingUsage Usage)
{
    [JsonPropertyName("object")]
    public string ObjectType => "list";
}
