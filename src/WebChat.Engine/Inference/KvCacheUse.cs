namespace WebChat.Engine.Inference;

/// <summary>Tokens held in the KV cache (answers in progress and prefixes kept for reuse) and its size in tokens.</summary>
public readonly record struct KvCacheUse(int Tokens, int Capacity)
{
    public static KvCacheUse None { get; } = new(0, 0);

    /// <summary>The share in use, 0 to 1; 0 while no model is loaded.</summary>
    public double Fraction => Capacity == 0 ? 0 : (double)Tokens / Capacity;
}
