#pragma warning disable CA1861 // Literal arrays are the test data.

using WebChat.Engine.Catalog;
using WebChat.Engine.Gguf;
using WebChat.Tests.Support.Models;
using static WebChat.Tests.Unit.Engine.Catalog.Headers;

namespace WebChat.Tests.Unit.Engine.Catalog;

public class ModelDescriptorTests
{
    [Fact]
    public async Task The_tiny_model_is_described_with_its_shape_quantization_template_and_file_size()
    {
        var path = TestModels.TinyOfType(GgmlType.Q8_0);
        var spec = TestModels.TinySpec;

        var descriptor = await ModelDescriptors.FromFileAsync(path);

        long embedding = 64, kv = 32, ff = 128, vocab = 2048;
        var perLayer = 2 * embedding + embedding * embedding * 2 + embedding * kv * 2 + 3 * embedding * ff;
        Assert.Equal(vocab * embedding + embedding + 2 * perLayer, descriptor.ParameterCount);
        Assert.Equal("llama", descriptor.Architecture);
        Assert.Equal(spec.Name, descriptor.Name);
        Assert.Equal("Q8_0", descriptor.Quantization);
        Assert.Equal(SizeClass.Tiny, descriptor.SizeClass);
        Assert.Equal((512, 2, 64, 4, 2, 16, 16, 2048), (descriptor.ContextLength, descriptor.BlockCount, descriptor.EmbeddingLength, descriptor.HeadCount, descriptor.HeadCountKv, descriptor.KeyLength, descriptor.ValueLength, descriptor.VocabularySize));
        Assert.True(descriptor.HasChatTemplate);
        Assert.Null(descriptor.SlidingWindow);
        Assert.Equal(new FileInfo(path).Length, descriptor.FileSize);
        Assert.InRange(descriptor.BitsPerWeight, 8.4, 8.9);
        Assert.True(descriptor.LayerWeightBytes > 0 && descriptor.LayerWeightBytes < descriptor.WeightBytes);
    }

    [Fact]
    public async Task A_model_without_a_template_says_so()
    {
        var descriptor = await ModelDescriptors.FromFileAsync(TestModels.TinyWithoutTemplate);

        Assert.False(descriptor.HasChatTemplate);
    }

    [Fact]
    public void Realistic_shapes_get_the_size_labels_and_classes_people_know_them_by()
    {
        var qwen = ModelDescriptors.FromHeader(For(BenchModels.Qwen25HalfBLike));
        var llama = ModelDescriptors.FromHeader(For(BenchModels.Llama32OneBLike));

        Assert.Equal(("0.5B", SizeClass.Small, "Q8_0"), (qwen.SizeLabel, qwen.SizeClass, qwen.Quantization));
        Assert.Equal(("1.2B", SizeClass.Medium, 128256), (llama.SizeLabel, llama.SizeClass, llama.VocabularySize));
        Assert.Equal(1_235_814_400, llama.ParameterCount);
    }

    [Theory]
    [InlineData(15u, "Q4_K_M")]
    [InlineData(30u, "IQ4_XS")]
    [InlineData(17u, "Q5_K_M")]
    [InlineData(1024u + 18u, "Q6_K")]
    [InlineData(1u, "F16")]
    [InlineData(32u, "BF16")]
    public void The_quantization_label_comes_from_the_file_type(uint fileType, string expected)
    {
        var header = Create([Entry("general.architecture", "llama"), Entry("general.file_type", fileType)], [Tensor("w", GgmlType.Q4_K, 256, 4)]);

        Assert.Equal(expected, ModelDescriptors.FromHeader(header).Quantization);
    }

    [Fact]
    public void Without_a_file_type_the_label_is_the_type_holding_most_weight_bytes()
    {
        var header = Create(
            [Entry("general.architecture", "llama")],
            [Tensor("norm", GgmlType.F32, 4096), Tensor("a", GgmlType.Q6_K, 256, 10), Tensor("b", GgmlType.IQ3_S, 256, 100)]);

        Assert.Equal("IQ3_S", ModelDescriptors.FromHeader(header).Quantization);
    }

    [Fact]
    public void Gemma2_counts_every_other_layer_as_sliding_window_and_gemma3_five_of_six()
    {
        static ModelDescriptor Describe(string architecture, uint blocks) => ModelDescriptors.FromHeader(Create(
            [Entry("general.architecture", architecture), Entry($"{architecture}.block_count", blocks), Entry($"{architecture}.attention.sliding_window", 4096)],
            [Tensor("w", GgmlType.F16, 8, 8)]));

        Assert.Equal((4096, 21), (Describe("gemma2", 42).SlidingWindow, Describe("gemma2", 42).SlidingWindowLayers));
        Assert.Equal(22, Describe("gemma3", 26).SlidingWindowLayers);
        Assert.Equal(0, Describe("mystery", 26).SlidingWindowLayers);
    }

    [Fact]
    public void A_per_layer_sliding_window_pattern_and_per_layer_head_counts_are_honoured()
    {
        var header = Create(
            [
                Entry("general.architecture", "x"),
                Entry("x.block_count", 4),
                Entry("x.attention.sliding_window", 512),
                new("x.attention.sliding_window_pattern", GgufValue.Array(new GgufArray(GgufValueType.Bool, new[] { true, true, false, true }))),
                new("x.attention.head_count_kv", GgufValue.Array(GgufArray.Of(new[] { 2, 8, 4, 2 }))),
                Entry("x.expert_count", 8),
                Entry("x.expert_used_count", 2),
            ],
            [Tensor("w", GgmlType.F16, 8, 8)]);

        var descriptor = ModelDescriptors.FromHeader(header);

        Assert.Equal((3, 8, 8, 2), (descriptor.SlidingWindowLayers, descriptor.HeadCountKv, descriptor.ExpertCount, descriptor.ExpertUsedCount));
    }

    [Fact]
    public void A_header_without_an_architecture_is_a_format_error()
    {
        var header = Create([Entry("general.name", "x")], []);

        Assert.Throws<GgufFormatException>(() => ModelDescriptors.FromHeader(header));
    }
}
