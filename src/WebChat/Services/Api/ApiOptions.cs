namespace WebChat.Services.Api;

/// <summary>Settings of the OpenAI-compatible API (section "WebChat:Api").</summary>
public sealed class ApiOptions
{
    public const string SectionName = "WebChat:Api";

    /// <summary>
    /// False (default): an API request reuses the KV cache only of the same user's earlier requests. True: of anyone's,
    /// for a trusted team; the time to first token then tells any caller which prompt prefixes others sent.
    /// </summary>
    public bool SharePromptCacheAcrossUsers { get; set; }

    /// <summary>The cache scope the engine gets for <paramref name="userId"/>'s requests.</summary>
    public string CacheScopeOf(string userId) => SharePromptCacheAcrossUsers ? "api:team" : $"api:user:{userId}";
}
