using LLama.Native;
using WebChat.Engine.Inference.Native;

namespace WebChat.Tests.Unit.Engine.Inference.Native;

public sealed class NativeStructLayoutTests
{
    // Default bytes of llama_model_params as the probe read them: LLamaSharp 0.30's bound build, and llama.cpp b9842
    // (node-llama-cpp 3.19.0), which has main_gpu at byte 24 where the bound build has load_mode, and mmap/mlock bools.
    private static readonly NativeStructLayout Bound = new(72, 72,
        "00000000000000000000000000000000ffffffff0100000001000000000000000000000000000000000000000000000000000000000000000000000000000000000001000000");
    private static readonly NativeStructLayout B9842 = new(72, 72,
        "00000000000000000000000000000000ffffffff0100000000000000........00000000000000000000000000000000000000000000000000000000000000000001000000010000");

    [Fact]
    public void A_build_with_other_fields_is_told_apart_and_the_message_names_the_field_LLamaSharp_would_misread()
    {
        var difference = B9842.DifferenceFrom(Bound, "llama_model_params", NativeStructLayout.ManagedFieldAt<LLamaModelParams>);

        Assert.Equal("llama_model_params has other default values from byte 24 on, where LLamaSharp writes load_mode (fields moved or changed)", difference);
        Assert.Null(Bound.DifferenceFrom(Bound with { }, "llama_model_params"));
    }

    [Theory]
    [InlineData(16, "n_gpu_layers")]
    [InlineData(30, "main_gpu")]
    [InlineData(64, "vocab_only")]
    [InlineData(69, "load_mtp")]
    public void A_byte_offset_is_named_by_the_managed_field_that_holds_it(int offset, string field) =>
        Assert.Equal(field, NativeStructLayout.ManagedFieldAt<LLamaModelParams>(offset));

    [Fact]
    public void A_different_size_is_reported_before_any_value()
    {
        var larger = Bound with { NativeBytes = 80 };

        Assert.Equal("llama_model_params is 80 bytes, the bound build's is 72 (LLamaSharp reads 72)", larger.DifferenceFrom(Bound, "llama_model_params"));
    }
}
