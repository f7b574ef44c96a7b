namespace WebChat.Engine.Inference;

/// <summary>
/// How many prompt tokens go into the next step. A step that also carries other answers' next tokens is held near
/// <see cref="InferenceOptions.PrefillStepBudget"/> at the measured speed (at least 16 tokens), so those answers keep
/// streaming while a long prompt is read; a prompt read alone goes in full chunks.
/// </summary>
internal sealed class PrefillPacer(InferenceOptions options)
{
    // Only steps with at least this many tokens say how long a prompt token takes; single-token steps are dominated
    // by reading the weights once.
    private const int PromptHeavyStep = 16;

    // Seconds per token of prompt-heavy steps, averaged; with a fixed cost per step the chunk it gives settles where
    // a step takes the budget.
    private double _secondsPerPromptToken;

    /// <summary>Prompt tokens for a step that already carries <paramref name="streamingTokens"/> answer tokens.</summary>
    public int ChunkTokens(int streamingTokens)
    {
        if (streamingTokens == 0 || _secondsPerPromptToken <= 0)
        {
            return options.PrefillChunkTokens;
        }

        var fitting = (int)(options.PrefillStepBudget.TotalSeconds / _secondsPerPromptToken);
        return Math.Clamp(fitting, Math.Min(PromptHeavyStep, options.PrefillChunkTokens), options.PrefillChunkTokens);
    }

    /// <summary>Learns from a finished step of <paramref name="tokens"/> tokens that took <paramref name="elapsed"/>.</summary>
    public void Learn(int tokens, TimeSpan elapsed)
    {
        if (tokens < PromptHeavyStep)
        {
            return;
        }

        var perToken = elapsed.TotalSeconds / tokens;
        _secondsPerPromptToken = _secondsPerPromptToken <= 0 ? perToken : (_secondsPerPromptToken + perToken) / 2;
    }
}
