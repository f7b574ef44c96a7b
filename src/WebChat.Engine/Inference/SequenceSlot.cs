namespace WebChat.Engine.Inference;

/// <summary>One sequence of the context: the tokens its KV cache holds, and the request using it, if any.</summary>
internal sealed class SequenceSlot(int index)
{
    public int Index { get; } = index;
    public List<int> Cached { get; } = [];
    public string? ConversationKey { get; set; }

    /// <summary>The cache scope of the request that filled it; an idle sequence is reused only within its scope.</summary>
    public string? CacheScope { get; set; }
    public long LastUsed { get; set; }
    public ActiveSequence? Active { get; set; }
}
