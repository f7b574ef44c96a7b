using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;
using WebChat.Engine.Inference;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.Engine.Inference;

/// <summary>The engine's cheaper sampler chain draws exactly the tokens LLamaSharp's default chain draws.</summary>
public class ChatSamplingPipelineTests
{
    public static TheoryData<float, int, float> Settings => new()
    {
        { 1.1f, 40, 0.8f },  // the defaults: top-k cut first
        { 1.5f, 5, 1.5f },   // a strong penalty with few candidates: penalized tokens must drop out of the k
        { 1.1f, 0, 0.8f },   // no top-k: nothing to cut first
        { 0.9f, 40, 0.8f },  // a penalty below 1 raises logits: nothing may be cut first
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Draws_the_same_tokens_as_the_default_pipeline(float repeatPenalty, int topK, float temperature)
    {
        using var weights = LLamaWeights.LoadFromFile(new ModelParams(TestModels.TinyWith32000Vocabulary) { ContextSize = 512 });
        using var context = weights.CreateContext(new ModelParams(TestModels.TinyWith32000Vocabulary) { ContextSize = 512 });
        var options = new SamplingOptions { RepeatPenalty = repeatPenalty, TopK = topK, Temperature = temperature, TopP = 0.95f, MinP = 0.02f };

        for (uint seed = 1; seed <= 3; seed++)
        {
            using var reference = new DefaultSamplingPipeline
            {
                RepeatPenalty = repeatPenalty, TopK = topK, Temperature = temperature, TopP = 0.95f, MinP = 0.02f, Seed = seed,
            };
            using var ours = new ChatSamplingPipeline(options, seed);

            var expected = Generate(context, reference);
            var actual = Generate(context, ours);

            Assert.Equal(expected, actual);
            if (topK > 0)
            {
                Assert.True(expected.Distinct().Count() < expected.Count, "the answer repeats tokens, so the penalty matters");
            }
        }
    }

    private static List<int> Generate(LLamaContext context, ISamplingPipeline sampler)
    {
        context.NativeHandle.MemoryClear();
        var batch = new LLamaBatch();
        var index = 0;
        for (var i = 0; i < 8; i++)
        {
            index = batch.Add(100 + i, i, (LLamaSeqId)0, i == 7);
        }

        var tokens = new List<int>();
        for (var position = 8; position < 8 + 96; position++)
        {
            Assert.Equal(DecodeResult.Ok, context.Decode(batch));
            var token = sampler.Sample(context.NativeHandle, index);
            tokens.Add((int)token);
            batch.Clear();
            index = batch.Add(token, position, (LLamaSeqId)0, true);
        }

        return tokens;
    }
}
