using WebChat.Engine.Gguf;
using WebChat.Engine.Inference;
using WebChat.Tests.Support.Models;
using static WebChat.Tests.Unit.Engine.Inference.RealModel;

namespace WebChat.Tests.Unit.Engine.Inference;

[Collection(RealModelCollection.Name)]
public sealed class WeightBufferTests
{
    [Fact]
    public void Load_log_lines_give_the_buffers_and_only_extra_cpu_buffer_types_count_as_repacked()
    {
        var buffers = WeightBuffer.Parse([
            "load_tensors:   CPU_Mapped model buffer size =   462.04 MiB",
            "load_tensors:   CPU_REPACK model buffer size =   120.50 MiB",
            "load_tensors:        AMX model buffer size =    80.00 MiB",
            "load_tensors:        CUDA0 model buffer size =  1024.00 MiB",
            "llama_context: CPU  output buffer size =     0.58 MiB",
        ]);

        Assert.Equal(["CPU_Mapped", "CPU_REPACK", "AMX", "CUDA0"], buffers.Select(b => b.Name));
        Assert.Equal([false, true, true, false], buffers.Select(b => b.Repacked));
        Assert.Equal(462.04, buffers[0].MiB);
    }

    [Fact]
    public async Task A_loaded_model_reports_the_buffers_its_weights_went_to()
    {
        await using var engine = CreateEngine();

        await engine.LoadAsync(Load(TestModels.TinyOfType(GgmlType.Q8_0)));

        Assert.Contains(engine.Status.WeightBuffers, b => b.Name.StartsWith("CPU", StringComparison.Ordinal) && b.MiB > 0);
    }
}
