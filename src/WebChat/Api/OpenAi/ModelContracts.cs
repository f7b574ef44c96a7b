using System.Text.Json.Serialization;

namespace WebChat.Api.OpenAi;

/// <summary>GET /v1/models.</summary>
public sealed record ModelList(IReadOnlyList<ModelEntry> Data)
{
    [JsonPropertyName("object")]
    public string ObjectType => "list";
}

public sealed record ModelEntry(string Id, long Created)
{
    [JsonPropertyName("object")]
    public string ObjectType => "model";
    public string OwnedBy => "webchat";
}
