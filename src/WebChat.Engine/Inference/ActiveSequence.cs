namespace WebChat.Engine.Inference;

/// <summary>A request that holds a sequence: where it is in its prompt and answer.</summary>
internal sealed class ActiveSequence(SchedulerWork work, int reusedTokens)
{
    public SchedulerWork Work { get; } = work;
    public int ReusedTokens { get; } = reusedTokens;
    public Utf8TokenDecoder Decoder { get; } = new();
    public StopStringMatcher Stops { get; } = new(work.Request.StopStrings);
    public int PromptQueued { get; set; } = reusedTokens;
    public bool InPrefill => PromptQueued < Work.Request.PromptTokens.Length;
    public int? PendingToken { get; set; }
    public bool SampleAfterDecode { get; set; }
    public int CompletionTokens { get; set; }
    public long? FirstTokenAt { get; set; }
}
