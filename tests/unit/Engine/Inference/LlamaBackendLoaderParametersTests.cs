using LLama.Native;
using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.Engine.Inference;

public sealed class LlamaBackendLoaderParametersTests
{
    [Fact]
    public void One_context_holds_every_sequence_and_a_batch_holds_a_prefill_chunk_plus_one_token_per_sequence()
    {
        var parameters = LlamaBackendLoader.CreateParameters(
            new ModelLoadOptions { ModelPath = "m.gguf", ContextPerSequence = 2048, ParallelSequences = 3, Threads = 2, KvCacheType = KvCacheType.Q8_0 }, gpuLayers: 5, prefillChunkTokens: 256);

        Assert.Equal((6144u, 3u, 259u, 259u), (parameters.ContextSize, parameters.SeqMax, parameters.BatchSize, parameters.UBatchSize));
        Assert.Equal((2, 2, 5), (parameters.Threads, parameters.BatchThreads, parameters.GpuLayerCount));
        Assert.Equal((GGMLType.GGML_TYPE_Q8_0, GGMLType.GGML_TYPE_Q8_0), (parameters.TypeK, parameters.TypeV));
    }

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, false)]
    public void Flash_attention_on_means_llama_cpps_auto_and_off_means_off(bool requested, bool? passed)
    {
        var parameters = LlamaBackendLoader.CreateParameters(new ModelLoadOptions { ModelPath = "m.gguf", FlashAttention = requested }, 0, 256);

        Assert.Equal(passed, parameters.FlashAttention);
    }

    [Fact]
    public void Flash_attention_is_on_by_default_as_in_llama_cpp()
    {
        Assert.True(new ModelLoadOptions { ModelPath = "m.gguf" }.FlashAttention);
    }
}
