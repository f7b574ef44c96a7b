namespace WebChat.Engine.Inference;

/// <summary>What one decode step held: tokens per sequence; observed by tests and benchmarks.</summary>
internal sealed record SchedulerStep(long Number, IReadOnlyDictionary<int, int> TokensBySequence)
{
    public int TotalTokens => TokensBySequence.Values.Sum();
}
