using LLama;
using LLama.Common;
using LLama.Native;
using WebChat.Engine.Gguf;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Support.Native;

namespace WebChat.Tests.Unit.Engine.Gguf;

/// <summary>The generated models are real GGUF files: llama.cpp (CPU backend) loads them and decodes tokens.</summary>
public class GeneratedModelLoadTests
{
    public GeneratedModelLoadTests() => NativeLogs.Quiet();

    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_0)]
    public async Task LLamaSharp_loads_the_tiny_model_and_decodes_a_prompt_into_finite_logits(GgmlType weightType)
    {
        var path = TestModels.TinyOfType(weightType);
        var header = await GgufReader.ReadFileAsync(path);
        var parameters = new ModelParams(path) { ContextSize = 256, GpuLayerCount = 0, Threads = 1 };

        using var weights = await LLamaWeights.LoadFromFileAsync(parameters);
        using var context = weights.CreateContext(parameters);
        var tokens = context.Tokenize("Hello world, tell me a short story.", addBos: true, special: true);
        var batch = new LLamaBatch();
        batch.AddRange(tokens, 0, LLamaSeqId.Zero, true);
        var result = await context.DecodeAsync(batch, CancellationToken.None);

        Assert.Equal(DecodeResult.Ok, result);
        Assert.Equal(header.Tensors.Sum(t => t.ElementCount), (long)weights.ParameterCount);
        var logits = context.NativeHandle.GetLogitsIth(batch.TokenCount - 1).ToArray();
        Assert.Equal(TestModels.TinySpec.VocabularySize, logits.Length);
        Assert.All(logits, value => Assert.True(float.IsFinite(value)));
        Assert.True(logits.Max() > logits.Min(), "random weights should not give a flat distribution");
    }

    [Fact]
    public void The_tiny_vocabulary_merges_English_words_and_falls_back_to_byte_tokens_for_other_characters()
    {
        var parameters = new ModelParams(TestModels.Tiny) { ContextSize = 256, GpuLayerCount = 0, VocabOnly = true };
        using var weights = LLamaWeights.LoadFromFile(parameters);

        var english = weights.Tokenize("hello world", add_bos: false, special: false, System.Text.Encoding.UTF8);
        var accented = weights.Tokenize("é", add_bos: false, special: false, System.Text.Encoding.UTF8);
        var chat = weights.Tokenize("<|im_start|>user", add_bos: false, special: true, System.Text.Encoding.UTF8);

        Assert.Equal(2, english.Length);
        // é is C3 A9 in UTF-8; byte token <0xNN> has id 3 + NN (after <unk>, <s>, </s>).
        Assert.Equal([3 + 0xC3, 3 + 0xA9], accented.Select(token => (int)token).TakeLast(2));
        Assert.Equal(259, (int)chat[0]);
        Assert.Equal(2048, weights.Vocab.Count);
    }
}
