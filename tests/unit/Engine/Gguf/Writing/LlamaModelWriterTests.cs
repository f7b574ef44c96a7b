using WebChat.Engine.Gguf;
using WebChat.Engine.Gguf.Writing;

namespace WebChat.Tests.Unit.Engine.Gguf.Writing;

public sealed class LlamaModelWriterTests : IDisposable
{
    private static readonly LlamaModelSpec Small = new() { EmbeddingLength = 32, FeedForwardLength = 64, BlockCount = 1, HeadCount = 2, HeadCountKv = 1, VocabularySize = 512 };
    private readonly string folder = Path.Combine(Path.GetTempPath(), "webchat-writer-tests", Guid.NewGuid().ToString("N"));

    public LlamaModelWriterTests() => Directory.CreateDirectory(folder);

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task Writing_a_file_replaces_an_older_one_and_leaves_no_temporary_file()
    {
        var path = Path.Combine(folder, "model.gguf");
        await File.WriteAllTextAsync(path, "an older, broken file");

        LlamaModelWriter.WriteFile(path, Small with { Name = "fresh" });

        var header = await GgufReader.ReadFileAsync(path);
        Assert.Equal("fresh", header.GetString("general.name"));
        Assert.Equal(["model.gguf"], Directory.EnumerateFiles(folder).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_untied_model_has_its_own_output_matrix_and_a_tied_one_reuses_the_embedding()
    {
        var untied = await HeaderOfAsync(Small with { TiedOutput = false, WeightType = GgmlType.F16 });
        var tied = await HeaderOfAsync(Small with { TiedOutput = true, WeightType = GgmlType.F16 });

        var output = Assert.Single(untied.Tensors, t => t.Name == "output.weight");
        Assert.Equal(GgmlType.F16, output.Type);
        Assert.Equal([32L, 512L], output.Dimensions);
        Assert.DoesNotContain(tied.Tensors, t => t.Name == "output.weight");
        Assert.Equal(tied.Tensors.Count + 1, untied.Tensors.Count);
    }

    [Theory]
    [InlineData(GgmlType.F32, 0u)]
    [InlineData(GgmlType.F16, 1u)]
    [InlineData(GgmlType.Q4_0, 2u)]
    [InlineData(GgmlType.Q8_0, 7u)]
    public async Task The_file_type_key_names_the_weight_type_as_llama_cpp_numbers_it(GgmlType weights, uint fileType)
    {
        var header = await HeaderOfAsync(Small with { WeightType = weights });

        Assert.Equal(fileType, header.GetInteger("general.file_type"));
        Assert.All(header.Tensors.Where(t => !t.Name.EndsWith("norm.weight", StringComparison.Ordinal)), t => Assert.Equal(weights, t.Type));
    }

    [Fact]
    public async Task A_Q4_K_M_file_has_llama_cpp_s_types_Q6_K_where_the_quantizer_spends_more_bits_and_Q4_K_elsewhere()
    {
        var header = await HeaderOfAsync(Small with { EmbeddingLength = 256, FeedForwardLength = 512, HeadCount = 4, HeadCountKv = 2, BlockCount = 8, Mix = WeightMix.Q4_K_M });

        GgmlType TypeOf(string name) => Assert.Single(header.Tensors, t => t.Name == name).Type;
        Assert.Equal(15L, header.GetInteger("general.file_type"));
        Assert.Equal(GgmlType.Q6_K, TypeOf("token_embd.weight")); // tied: it is the output matrix too
        // use_more_bits for 8 layers: layer 0 (first eighth), 7 (last eighth), and 3 and 6 ((i - 1) % 3 == 2).
        Assert.Equal([0, 3, 6, 7], Enumerable.Range(0, 8).Where(layer => TypeOf($"blk.{layer}.ffn_down.weight") == GgmlType.Q6_K));
        Assert.Equal([0, 3, 6, 7], Enumerable.Range(0, 8).Where(layer => TypeOf($"blk.{layer}.attn_v.weight") == GgmlType.Q6_K));
        Assert.All(Enumerable.Range(0, 8), layer => Assert.Equal(GgmlType.Q4_K, TypeOf($"blk.{layer}.attn_q.weight")));
        Assert.All(header.Tensors.Where(t => t.Name.EndsWith("norm.weight", StringComparison.Ordinal)), t => Assert.Equal(GgmlType.F32, t.Type));
    }

    [Fact]
    public async Task A_Q4_K_M_row_that_256_does_not_divide_falls_back_to_Q5_0_or_Q8_0_as_llama_cpp_s_quantizer_does()
    {
        // Qwen2.5-0.5B's 896-wide rows are the case in the file people download.
        var header = await HeaderOfAsync(Small with { EmbeddingLength = 96, FeedForwardLength = 512, HeadCount = 3, HeadCountKv = 1, BlockCount = 2, Mix = WeightMix.Q4_K_M });

        GgmlType TypeOf(string name) => Assert.Single(header.Tensors, t => t.Name == name).Type;
        Assert.Equal(GgmlType.Q8_0, TypeOf("token_embd.weight"));
        Assert.Equal(GgmlType.Q5_0, TypeOf("blk.1.attn_q.weight"));
        Assert.Equal(GgmlType.Q5_0, TypeOf("blk.0.attn_v.weight"));
        Assert.Equal(GgmlType.Q8_0, TypeOf("blk.1.attn_v.weight")); // the last eighth gets more bits
        Assert.Equal(GgmlType.Q4_K, TypeOf("blk.0.ffn_down.weight")); // its rows are 512 wide
        Assert.Equal(GgmlType.Q6_K, TypeOf("blk.1.ffn_down.weight"));
    }

    [Fact]
    public void A_weight_type_the_writer_cannot_generate_is_refused()
    {
        Assert.Throws<NotSupportedException>(() => LlamaModelWriter.FileType(GgmlType.Q6_K));
    }

    private static async Task<GgufHeader> HeaderOfAsync(LlamaModelSpec spec)
    {
        using var stream = new MemoryStream();
        LlamaModelWriter.Write(stream, spec);
        stream.Position = 0;
        return await GgufReader.ReadAsync(stream);
    }
}
