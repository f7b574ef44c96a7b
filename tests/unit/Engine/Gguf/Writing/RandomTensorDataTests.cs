using System.Runtime.InteropServices;
using WebChat.Engine.Gguf;
using WebChat.Engine.Gguf.Writing;

namespace WebChat.Tests.Unit.Engine.Gguf.Writing;

public sealed class RandomTensorDataTests
{
    // More than one 1 MiB chunk of F32 values, so the chunking is exercised too.
    private const long Elements = 300_000;

    [Fact]
    public void F32_values_stay_within_the_amplitude_spread_over_both_signs_and_fill_every_element()
    {
        var values = MemoryMarshal.Cast<byte, float>(Generate(GgmlType.F32, Elements, seed: 1, amplitude: 0.05f)).ToArray();

        Assert.Equal(Elements, values.Length);
        Assert.All(values, v => Assert.InRange(v, -0.05f, 0.05f));
        Assert.True(values.Min() < -0.045f && values.Max() > 0.045f, "values should cover the whole range");
        Assert.InRange(values.Average(), -0.001, 0.001);
    }

    [Fact]
    public void F16_values_are_half_precision_within_the_amplitude()
    {
        var values = MemoryMarshal.Cast<byte, Half>(Generate(GgmlType.F16, 4096, seed: 2, amplitude: 1f)).ToArray();

        Assert.Equal(4096, values.Length);
        Assert.All(values, v => Assert.InRange((float)v, -1f, 1f));
        Assert.True(values.Distinct().Count() > 1000, "values should not repeat a handful of numbers");
    }

    [Theory]
    [InlineData(GgmlType.F32)]
    [InlineData(GgmlType.F16)]
    [InlineData(GgmlType.Q8_0)]
    [InlineData(GgmlType.Q4_0)]
    [InlineData(GgmlType.Q5_0)]
    [InlineData(GgmlType.Q4_K)]
    [InlineData(GgmlType.Q6_K)]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(GgmlType type)
    {
        var first = Generate(type, 1024, seed: 7, amplitude: 0.1f);

        Assert.Equal(first, Generate(type, 1024, seed: 7, amplitude: 0.1f));
        Assert.NotEqual(first, Generate(type, 1024, seed: 8, amplitude: 0.1f));
        Assert.Equal(GgmlTypeSizes.ByteSize(type, 1024), first.Length);
    }

    [Fact]
    public void A_Q8_0_block_scale_maps_the_largest_quant_to_the_amplitude()
    {
        var bytes = Generate(GgmlType.Q8_0, 32, seed: 3, amplitude: 0.5f);

        var scale = (float)MemoryMarshal.Read<Half>(bytes);
        Assert.Equal(0.5f / 127f, scale, 3);
    }

    [Fact]
    public void A_Q6_K_super_block_keeps_its_f16_scale_at_the_end_where_ggml_reads_it()
    {
        var bytes = Generate(GgmlType.Q6_K, 512, seed: 4, amplitude: 2048f);

        Assert.Equal(1f, (float)MemoryMarshal.Read<Half>(bytes.AsSpan(208)));
        Assert.Equal(1f, (float)MemoryMarshal.Read<Half>(bytes.AsSpan(210 + 208)));
    }

    [Fact]
    public void A_type_without_a_generator_is_refused()
    {
        Assert.Throws<NotSupportedException>(() => Generate(GgmlType.Q2_K, 256, seed: 1, amplitude: 1f));
    }

    private static byte[] Generate(GgmlType type, long elements, ulong seed, float amplitude)
    {
        using var stream = new MemoryStream();
        RandomTensorData.Uniform(type, elements, seed, amplitude)(stream);
        return stream.ToArray();
    }
}
