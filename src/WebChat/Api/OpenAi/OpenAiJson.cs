using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebChat.Api.OpenAi;

/// <summary>The wire format of /v1: snake_case names, strict types (a number in quotes is a 400, not a guess).</summary>
public static class OpenAiJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.Strict,
        AllowTrailingCommas = false,
    };
}
