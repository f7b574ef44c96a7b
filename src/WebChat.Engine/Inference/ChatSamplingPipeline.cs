using LLama.Native;
using LLama.Sampling;

namespace WebChat.Engine.Inference;

/// <summary>
/// LLamaSharp's default chain (repeat penalty, top-k, top-p, min-p, temperature, seeded draw) with the same result
/// for a fraction of the cost. The repeat penalty walks every candidate, the whole vocabulary (0.56 of 0.74 ms per
/// token on a 152k vocabulary, measured in bench). A penalty of 1 or more only lowers the logits of at most
/// <see cref="PenaltyCount"/> recent tokens, so the top k after it always lie among the top k + PenaltyCount before
/// it: cutting to those first leaves the same candidates with the same logits for everything after.
/// </summary>
internal sealed class ChatSamplingPipeline(SamplingOptions options, uint seed) : BaseSamplingPipeline
{
    /// <summary>Recent tokens the repeat penalty looks at (LLamaSharp's default).</summary>
    public const int PenaltyCount = 64;

    protected override SafeLLamaSamplerChainHandle CreateChain(SafeLLamaContextHandle context)
    {
        var chain = SafeLLamaSamplerChainHandle.Create(LLamaSamplerChainParams.Default());
        if (options.TopK > 0 && options.RepeatPenalty >= 1)
        {
            chain.AddTopK(options.TopK + PenaltyCount);
        }

        chain.AddPenalties(PenaltyCount, options.RepeatPenalty, 0, 0);
        chain.AddTopK(options.TopK);
        chain.AddTopP(options.TopP, 1);
        chain.AddMinP(options.MinP, 1);
        chain.AddTemperature(options.Temperature);
        chain.AddDistributionSampler(seed);
        return chain;
    }
}
