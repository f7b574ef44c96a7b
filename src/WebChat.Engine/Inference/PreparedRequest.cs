namespace WebChat.Engine.Inference;

/// <summary>A chat request made ready for the scheduler: templated, fitted into the context and tokenized.</summary>
internal sealed record PreparedRequest
{
    public required int[] PromptTokens { get; init; }
    public string? ConversationKey { get; init; }
    public string? CacheScope { get; init; }
    public string? UserKey { get; init; }
    public UserShare? Share { get; init; }
    public bool UserAlreadyCounted { get; init; }
    public SamplingOptions Sampling { get; init; } = new();
    public int MaxTokens { get; init; } = 1024;
    public IReadOnlyList<string> StopStrings { get; init; } = [];
    public int DroppedTurns { get; init; }
    public string? Template { get; init; }
    public string? Model { get; init; }

    /// <summary>Words about how the prompt was shortened, carried into the summary; null when it fit.</summary>
    public string? FitNote { get; init; }
}
