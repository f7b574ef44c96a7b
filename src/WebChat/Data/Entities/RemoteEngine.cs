namespace WebChat.Data.Entities;

/// <summary>A remote OpenAI-compatible engine an admin added on Admin › Engines (engines from configuration are not stored).</summary>
public class RemoteEngine
{
    public Guid Id { get; set; } = Guid.NewGuid();
    public required string Name { get; set; }

    /// <summary>The address as an OpenAI client takes it, e.g. http://gpu-box:8000/v1.</summary>
    public required string BaseUrl { get; set; }

    /// <summary>openai, vllm, llama-server or ollama: how its load is read.</summary>
    public required string Kind { get; set; }

    /// <summary>The API key encrypted with ASP.NET Core Data Protection; never shown again once saved.</summary>
    public string? ProtectedApiKey { get; set; }
    public DateTime CreatedAt { get; set; } = DateTime.UtcNow;
}
