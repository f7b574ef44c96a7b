using System.ComponentModel.DataAnnotations;

namespace WebChat.Services.Serving.Engines;

/// <summary>The "Engines" section: the in-process engine on or off, remote OpenAI-compatible engines, health checks and routing.</summary>
public sealed class EnginesOptions
{
    public const string SectionName = "Engines";

    public LocalEngineOptions Local { get; set; } = new();

    /// <summary>Remote engines from configuration (Engines:Remote:0:Name, Engines__Remote__0__BaseUrl, ...); admins add more on Admin › Engines.</summary>
    public List<RemoteEngineOptions> Remote { get; set; } = [];

    /// <summary>How often a ready engine's /v1/models (and load, where it reports it) is read.</summary>
    public TimeSpan HealthInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between checks of an engine that keeps failing (the wait doubles from HealthInterval).</summary>
    public TimeSpan MaxHealthBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a replica that failed before its first token gets no requests.</summary>
    public TimeSpan Cooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a request waits for a remote engine's first token before it tries another replica.</summary>
    public TimeSpan FirstTokenTimeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The next turn of a conversation stays on the replica that served the last while it has at most this many more requests in flight than the least busy.</summary>
    [Range(0, 1000)]
    public int AffinitySlack { get; set; } = 2;

    /// <summary>
    /// At most this many of WebChat's requests for a model go to each of its replicas at once; more wait in a queue
    /// that lets them through round-robin across users (as the local engine's scheduler does).
    /// </summary>
    [Range(1, 10_000)]
    public int MaxInFlightPerReplica { get; set; } = 16;
}

/// <summary>Engines:Local: the in-process LLamaSharp engine.</summary>
public sealed class LocalEngineOptions
{
    /// <summary>False skips the native library altogether: a node that only routes to remote engines.</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>One remote OpenAI-compatible engine from configuration.</summary>
public sealed class RemoteEngineOptions
{
    /// <summary>The engine's name on Admin › Engines, in usage records and in /metrics; unique.</summary>
    public string Name { get; set; } = "";

    /// <summary>As an OpenAI client takes it: http://gpu-box:8000/v1.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>Sent as "Authorization: Bearer" to the engine; empty for an engine that needs none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>openai (default), vllm, llama-server or ollama.</summary>
    public string Kind { get; set; } = EngineKinds.OpenAi;
}

/// <summary>The kinds of remote engine; the kind says where its own load is read.</summary>
public static class EngineKinds
{
    public const string OpenAi = "openai";
    public const string Vllm = "vllm";
    public const string LlamaServer = "llama-server";
    public const string Ollama = "ollama";

    public static IReadOnlyList<string> All { get; } = [OpenAi, Vllm, LlamaServer, Ollama];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind);
}
