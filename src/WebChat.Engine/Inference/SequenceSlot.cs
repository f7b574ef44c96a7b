namespace WebChat.Engine.Inference;

/// <summary>One sequence of the context: the tokens its KV cache holds, and the request using it, if any.</summary>
internal sealed class SequenceSlot(int index)
{
    public int Index { get; } = index;
    public List<int> Cached { get; } = [];
    public string? ConversationKey { get; set; }
    public long LastUsed { get; set; }
    public ActiveSequence? Active { get; set; }
}
