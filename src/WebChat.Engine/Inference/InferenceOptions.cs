using System.ComponentModel.DataAnnotations;

namespace WebChat.Engine.Inference;

/// <summary>How the engine serves requests (section "Inference" of appsettings.json).</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>Requests that may wait for a free sequence; one more gets EngineBusyException at once.</summary>
    [Range(0, 10_000)]
    public int QueueLimit { get; set; } = 32;

    /// <summary>Requests one user may have generating at once, on the in-process and remote engines together; the rest of theirs wait while others are served.</summary>
    [Range(1, 10_000)]
    public int MaxRunningPerUser { get; set; } = 2;

    /// <summary>Requests one user may have waiting; one more is refused at once with UserBusyException.</summary>
    [Range(0, 10_000)]
    public int MaxQueuedPerUser { get; set; } = 4;

    /// <summary>Most prompt tokens decoded per step; cancellation during a long prompt takes effect within one chunk.</summary>
    [Range(1, 8192)]
    public int PrefillChunkTokens { get; set; } = 256;

    /// <summary>
    /// Target time of a step that carries other answers' next tokens: on a slow machine prompt chunks shrink (to 16
    /// tokens at least) so those answers keep streaming while a long prompt is read. A prompt read with no answer
    /// streaming beside it goes in full chunks.
    /// </summary>
    public TimeSpan PrefillStepBudget { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Unload the model after this long without requests; null keeps it loaded.</summary>
    public TimeSpan? KeepAlive { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>llama.cpp template used when the model has none (e.g. "chatml", "llama3", "gemma").</summary>
    [Required]
    public string FallbackTemplate { get; set; } = "chatml";

    /// <summary>Answer tokens kept free when old turns are dropped to fit a long conversation.</summary>
    [Range(1, 1_000_000)]
    public int MinAnswerTokens { get; set; } = 256;

    /// <summary>
    /// A folder holding a llama.cpp build (libllama, the ggml libraries, libmtmd) to load instead of LLamaSharp's
    /// bundled one; it must be the build LLamaSharp binds, which a probe checks before it is used. Null: bundled.
    /// </summary>
    public string? NativeLibrary { get; set; }
}
