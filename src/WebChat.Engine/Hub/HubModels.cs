using System.Text.Json;
using System.Text.Json.Serialization;

namespace WebChat.Engine.Hub;

/// <summary>One model as the Hub's /api/models endpoints describe it (fields absent from a response stay null).</summary>
public sealed record HubModelInfo
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("author")] public string? Author { get; init; }
    [JsonPropertyName("sha")] public string? Sha { get; init; }
    [JsonPropertyName("lastModified")] public DateTimeOffset? LastModified { get; init; }
    [JsonPropertyName("createdAt")] public DateTimeOffset? CreatedAt { get; init; }
    [JsonPropertyName("downloads")] public long? Downloads { get; init; }
    [JsonPropertyName("likes")] public long? Likes { get; init; }
    [JsonPropertyName("trendingScore")] public double? TrendingScore { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyList<string>? Tags { get; init; }
    [JsonPropertyName("pipeline_tag")] public string? PipelineTag { get; init; }
    [JsonPropertyName("gated")] public JsonElement Gated { get; init; }
    [JsonPropertyName("private")] public bool? Private { get; init; }
    [JsonPropertyName("cardData")] public HubCardData? CardData { get; init; }
    [JsonPropertyName("gguf")] public HubGgufSummary? Gguf { get; init; }
    [JsonPropertyName("siblings")] public IReadOnlyList<HubSibling>? Siblings { get; init; }

    /// <summary>The Hub writes false, "auto" or "manual".</summary>
    [JsonIgnore]
    public bool IsGated => Gated.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.String => Gated.GetString() is { Length: > 0 } s && s != "false",
        _ => false,
    };

    [JsonIgnore]
    public string? License => CardData?.License ?? Tags?.FirstOrDefault(t => t.StartsWith("license:", StringComparison.Ordinal))?["license:".Length..];
}

/// <summary>The model card's front matter fields this client reads.</summary>
public sealed record HubCardData
{
    [JsonPropertyName("license")] public string? License { get; init; }
}

/// <summary>The Hub's own summary of a repository's GGUF files (expand[]=gguf).</summary>
public sealed record HubGgufSummary
{
    [JsonPropertyName("total")] public long? TotalParameters { get; init; }
    [JsonPropertyName("architecture")] public string? Architecture { get; init; }
    [JsonPropertyName("context_length")] public long? ContextLength { get; init; }
}

/// <summary>One file of a repository (model info with blobs=true).</summary>
public sealed record HubSibling
{
    [JsonPropertyName("rfilename")] public required string FileName { get; init; }
    [JsonPropertyName("size")] public long? Size { get; init; }
    [JsonPropertyName("lfs")] public HubLfs? Lfs { get; init; }
}

/// <summary>LFS pointer data: the sha256 of the content and its size.</summary>
public sealed record HubLfs
{
    [JsonPropertyName("sha256")] public string? Sha256 { get; init; }
    [JsonPropertyName("oid")] public string? Oid { get; init; }
    [JsonPropertyName("size")] public long? Size { get; init; }
}

/// <summary>One entry of /api/models/{repo}/tree/{revision}.</summary>
public sealed record HubTreeEntry
{
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("path")] public required string Path { get; init; }
    [JsonPropertyName("size")] public long? Size { get; init; }
    [JsonPropertyName("lfs")] public HubLfs? Lfs { get; init; }
}

/// <summary>Where and what a file is, as the resolve endpoint tells before any content moves.</summary>
/// <param name="DownloadUri">The address that serves the bytes (a CDN after a redirect, or the resolve address itself).</param>
/// <param name="Size">Content length in bytes.</param>
/// <param name="Sha256">Lower-case hex sha256 of the content when the file is in LFS (X-Linked-Etag); null otherwise.</param>
/// <param name="Commit">The commit the revision resolved to (X-Repo-Commit).</param>
public sealed record HubFileLocation(Uri DownloadUri, long Size, string? Sha256, string? Commit);
