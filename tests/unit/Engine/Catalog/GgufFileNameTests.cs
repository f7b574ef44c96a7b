using WebChat.Engine.Catalog;

namespace WebChat.Tests.Unit.Engine.Catalog;

public class GgufFileNameTests
{
    [Theory]
    [InlineData("qwen2.5-0.5b-instruct-q4_k_m.gguf", "qwen2.5", "0.5B", "instruct", null, "Q4_K_M")]
    [InlineData("Llama-3.2-1B-Instruct-Q8_0.gguf", "Llama-3.2", "1B", "Instruct", null, "Q8_0")]
    [InlineData("Meta-Llama-3.1-8B-Instruct-Q4_K_M-00001-of-00002.gguf", "Meta-Llama-3.1", "8B", "Instruct", null, "Q4_K_M")]
    [InlineData("tinyllama-1.1b-chat-v1.0.Q4_K_M.gguf", "tinyllama", "1.1B", "chat", "v1.0", "Q4_K_M")]
    [InlineData("Mixtral-8x7B-Instruct-v0.1-IQ4_XS.gguf", "Mixtral", "8X7B", "Instruct", "v0.1", "IQ4_XS")]
    [InlineData("SmolLM2-135M-Instruct-f16.gguf", "SmolLM2", "135M", "Instruct", null, "F16")]
    [InlineData("gemma-2-2b-it-BF16.gguf", "gemma-2", "2B", "it", null, "BF16")]
    [InlineData("Phi-3-mini-4k-instruct-q4.gguf", "Phi-3-mini-4k-instruct", null, null, null, "Q4")]
    [InlineData("model.gguf", "model", null, null, null, null)]
    public void Hub_file_names_split_into_their_parts(string fileName, string baseName, string? size, string? fineTune, string? version, string? quantization)
    {
        var parsed = GgufFileName.Parse(fileName);

        Assert.NotNull(parsed);
        Assert.Equal((baseName, size, fineTune, version, quantization), (parsed.BaseName, parsed.SizeLabel, parsed.FineTune, parsed.Version, parsed.Quantization));
    }

    [Fact]
    public void A_shard_suffix_gives_the_shard_number_and_count()
    {
        var parsed = GgufFileName.Parse("models/Meta-Llama-3.1-70B-Instruct-Q4_K_M-00002-of-00003.gguf")!;

        Assert.Equal((2, 3, true), (parsed.ShardIndex, parsed.ShardCount, parsed.IsShard));
        Assert.Equal(70_000_000_000, parsed.ParameterEstimate);
        Assert.Equal("Meta-Llama-3.1-70B-Instruct-Q4_K_M-00002-of-00003.gguf", parsed.FileName);
    }

    [Fact]
    public void A_single_file_is_not_a_shard()
    {
        var parsed = GgufFileName.Parse("Llama-3.2-1B-Instruct-Q8_0.gguf")!;

        Assert.False(parsed.IsShard);
        Assert.Equal(1_000_000_000, parsed.ParameterEstimate);
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("model.safetensors")]
    [InlineData(".gguf")]
    public void Names_that_are_not_gguf_files_give_null(string fileName) =>
        Assert.Null(GgufFileName.Parse(fileName));
}
