namespace WebChat.Engine.Inference;

/// <summary>Life cycle of the engine's one loaded model.</summary>
public enum EngineState
{
    Empty,
    Loading,
    Ready,
    Failed,
}

/// <summary>A snapshot of the engine for the UI and /healthz.</summary>
public sealed record EngineStatus(
    EngineState State,
    string? ModelPath = null,
    string? ModelName = null,
    double LoadProgress = 0,
    string? Error = null,
    int ActiveSequences = 0,
    int QueuedRequests = 0)
{
    public static EngineStatus Empty { get; } = new(EngineState.Empty);

    /// <summary>Where the loaded model's weights were put (a CPU_REPACK or AMX buffer: repacked for ggml-cpu's faster kernels).</summary>
    public IReadOnlyList<WeightBuffer> WeightBuffers { get; init; } = [];

    /// <summary>Tokens one conversation may hold in the loaded model (0 when none is loaded): what a prompt is fitted to.</summary>
    public int ContextPerSequence { get; init; }

    /// <summary>Whether the state or the model differs from <paramref name="other"/>: lists of models and their loaded marks need a refresh.</summary>
    public bool ModelDiffersFrom(EngineStatus other) => State != other.State || ModelPath != other.ModelPath;
}
