using WebChat.Engine.Catalog;
using WebChat.Engine.Inference;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.Engine.Catalog;

public class MemoryEstimatorTests
{
    private static readonly ModelDescriptor Llama1B = ModelDescriptors.FromHeader(Headers.For(BenchModels.Llama32OneBLike));

    [Fact]
    public void The_KV_cache_is_two_times_layers_context_kv_heads_head_dim_and_element_size()
    {
        var estimate = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.F16);

        Assert.Equal(2L * 16 * 4096 * 8 * 64 * 2, estimate.KvCacheBytes);
        Assert.Equal(Llama1B.WeightBytes, estimate.WeightBytes);
        Assert.Equal(estimate.WeightBytes + estimate.KvCacheBytes + estimate.ComputeBytes + estimate.MarginBytes, estimate.TotalBytes);
    }

    [Fact]
    public void Parallel_sequences_multiply_the_context_and_quantized_caches_shrink_it()
    {
        var one = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.F16);
        var four = MemoryEstimator.Estimate(Llama1B, 1024, 4, KvCacheType.F16);
        var q8 = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.Q8_0);
        var q4 = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.Q4_0);

        Assert.Equal(one.KvCacheBytes, four.KvCacheBytes);
        Assert.Equal(one.KvCacheBytes * 34 / 64, q8.KvCacheBytes);
        Assert.Equal(one.KvCacheBytes * 18 / 64, q4.KvCacheBytes);
        Assert.True(MemoryEstimator.Estimate(Llama1B, 8192, 1, KvCacheType.F16).TotalBytes > one.TotalBytes);
    }

    [Fact]
    public void The_context_is_rounded_up_to_whole_blocks_of_256_cells_as_llama_cpp_does()
    {
        var padded = MemoryEstimator.Estimate(Llama1B, 1000, 1, KvCacheType.F16);
        var exact = MemoryEstimator.Estimate(Llama1B, 1024, 1, KvCacheType.F16);

        Assert.Equal(exact.KvCacheBytes, padded.KvCacheBytes);
    }

    [Fact]
    public void Sliding_window_layers_hold_only_their_window()
    {
        var full = Llama1B with { SlidingWindow = null, SlidingWindowLayers = 0 };
        var windowed = Llama1B with { SlidingWindow = 1024, SlidingWindowLayers = 12 };

        var fullKv = MemoryEstimator.Estimate(full, 32768, 1, KvCacheType.F16).KvCacheBytes;
        var windowedKv = MemoryEstimator.Estimate(windowed, 32768, 1, KvCacheType.F16).KvCacheBytes;

        var perCellPerLayer = 8L * (64 + 64) * 2;
        Assert.Equal(16 * 32768 * perCellPerLayer, fullKv);
        Assert.Equal((4 * 32768 + 12 * (1024 + 512)) * perCellPerLayer, windowedKv);
    }

    [Fact]
    public void A_model_that_fits_RAM_but_no_GPU_runs_in_RAM()
    {
        var estimate = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.F16);

        var verdict = MemoryEstimator.Fit(estimate, new MachineMemory(16 * ByteSizes.GiB, 8 * ByteSizes.GiB, []));

        Assert.Equal((FitKind.InRam, 0, true), (verdict.Kind, verdict.GpuLayers, verdict.Fits));
        Assert.Equal(estimate.TotalBytes, verdict.RequiredBytes);
        Assert.Contains("8.0 GiB of RAM available", verdict.Explanation);
    }

    [Fact]
    public void A_model_larger_than_free_RAM_and_VRAM_will_not_fit_and_the_message_gives_the_numbers()
    {
        var estimate = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.F16);

        var verdict = MemoryEstimator.Fit(estimate, new MachineMemory(2 * ByteSizes.GiB, 512 * ByteSizes.MiB, [new("gpu", ByteSizes.GiB, 256 * ByteSizes.MiB)]));

        Assert.Equal(FitKind.WontFit, verdict.Kind);
        Assert.False(verdict.Fits);
        Assert.Contains(ByteSizes.Format(estimate.TotalBytes), verdict.Explanation);
        Assert.Contains("512 MiB of RAM", verdict.Explanation);
    }

    [Fact]
    public void Enough_free_VRAM_puts_every_layer_on_the_GPU()
    {
        var estimate = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.F16);

        var verdict = MemoryEstimator.Fit(estimate, new MachineMemory(4 * ByteSizes.GiB, 2 * ByteSizes.GiB, [new("gpu", 24 * ByteSizes.GiB, 20 * ByteSizes.GiB)]));

        Assert.Equal((FitKind.FullyOnGpu, 17), (verdict.Kind, verdict.GpuLayers));
        Assert.Equal(estimate.TotalOnGpuBytes, verdict.RequiredBytes);
    }

    [Fact]
    public void A_GPU_must_hold_the_whole_reserved_compute_buffer_which_the_CPU_mostly_leaves_untouched()
    {
        var estimate = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.F16);

        // llama.cpp reserves logits for a full 512-token micro-batch: 512 x (vocabulary + embedding) F32 values.
        Assert.Equal(512L * (128256 + 2048) * 4, estimate.ReservedComputeBytes);
        Assert.True(estimate.ComputeBytes < estimate.ReservedComputeBytes / 2);
        Assert.True(estimate.TotalOnGpuBytes > estimate.TotalBytes);

        var justTooSmall = estimate.TotalOnGpuBytes - 1;
        var verdict = MemoryEstimator.Fit(estimate, new MachineMemory(16 * ByteSizes.GiB, 8 * ByteSizes.GiB, [new("gpu", justTooSmall, justTooSmall)]));
        Assert.Equal((FitKind.PartlyOnGpu, 16), (verdict.Kind, verdict.GpuLayers));
    }

    [Fact]
    public void Without_flash_attention_the_attention_scores_of_a_micro_batch_over_every_cell_are_added()
    {
        var with = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.F16, flashAttention: true);
        var without = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.F16, flashAttention: false);

        Assert.Equal(4096L * 512 * 32 * 4 * 7 / 5, without.ComputeBytes - with.ComputeBytes);
        Assert.Equal(with.KvCacheBytes, without.KvCacheBytes);
    }

    [Fact]
    public void Some_free_VRAM_offloads_as_many_layers_as_fit_and_the_rest_stays_in_RAM()
    {
        var estimate = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.F16);
        var vram = estimate.ReservedComputeBytes + estimate.MarginBytes + 5 * estimate.BytesPerLayer + estimate.BytesPerLayer / 2;

        var verdict = MemoryEstimator.Fit(estimate, new MachineMemory(16 * ByteSizes.GiB, 8 * ByteSizes.GiB, [new("gpu", vram, vram)]));

        Assert.Equal((FitKind.PartlyOnGpu, 5), (verdict.Kind, verdict.GpuLayers));
        Assert.Contains("5 of 16 layers", verdict.Explanation);
    }

    [Fact]
    public void Partial_offload_is_refused_when_the_layers_left_in_RAM_do_not_fit_either()
    {
        var estimate = MemoryEstimator.Estimate(Llama1B, 4096, 1, KvCacheType.F16);
        var vram = estimate.ReservedComputeBytes + estimate.MarginBytes + 2 * estimate.BytesPerLayer;

        var verdict = MemoryEstimator.Fit(estimate, new MachineMemory(ByteSizes.GiB, 256 * ByteSizes.MiB, [new("gpu", vram, vram)]));

        Assert.Equal(FitKind.WontFit, verdict.Kind);
    }

    [Fact]
    public void Load_options_give_the_same_estimate_as_their_values()
    {
        var options = new ModelLoadOptions { ModelPath = "m.gguf", ContextPerSequence = 2048, ParallelSequences = 3, KvCacheType = KvCacheType.Q8_0, FlashAttention = true };

        Assert.Equal(MemoryEstimator.Estimate(Llama1B, 2048, 3, KvCacheType.Q8_0, flashAttention: true), MemoryEstimator.Estimate(Llama1B, options));
    }

    [Fact]
    public void Nonsense_context_or_parallelism_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryEstimator.Estimate(Llama1B, 0, 1, KvCacheType.F16));
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryEstimator.Estimate(Llama1B, 512, 0, KvCacheType.F16));
    }
}
