namespace WebChat.Engine.Inference;

/// <summary>One item of a streamed answer: text deltas, queue positions, and exactly one final summary.</summary>
public abstract record ChatUpdate;

/// <summary>New answer text; never ends in half of a multi-byte character.</summary>
public sealed record TextDelta(string Text) : ChatUpdate;

/// <summary>New reasoning text, for engines that send it apart from the answer (a remote engine's reasoning_content).</summary>
public sealed record ReasoningDelta(string Text) : ChatUpdate;

/// <summary>The request waits for a free sequence; 1 means it is next.</summary>
public sealed record QueuePosition(int Position) : ChatUpdate;

/// <summary>Why generation ended.</summary>
public enum FinishReason
{
    Stop,
    Length,
    Cancelled,
    Error,
}

/// <summary>The last update of every stream: counts, timings and why it ended.</summary>
public sealed record ChatSummary : ChatUpdate
{
    public required FinishReason FinishReason { get; init; }
    public int PromptTokens { get; init; }

    /// <summary>Prompt tokens taken from the conversation's KV cache instead of being decoded again.</summary>
    public int ReusedPromptTokens { get; init; }
    public int CompletionTokens { get; init; }
    public TimeSpan TimeToFirstToken { get; init; }
    public TimeSpan Duration { get; init; }
    public double TokensPerSecond { get; init; }

    /// <summary>How many old turns were dropped to fit the context (0 when none).</summary>
    public int DroppedTurns { get; init; }

    /// <summary>The chat template used: the model's own, or the name of the fallback.</summary>
    public string? Template { get; init; }
    public string? Model { get; init; }

    /// <summary>The engine that answered when it was not the in-process one (a remote engine's name).</summary>
    public string? Engine { get; init; }

    /// <summary>Words for a person when FinishReason is Cancelled or Error (e.g. "the model was switched").</summary>
    public string? Message { get; init; }
}
