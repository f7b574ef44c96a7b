using System.Globalization;

namespace WebChat.Engine.Inference;

/// <summary>
/// A conservative fit check from the file size alone (the weights are mapped whole) plus a KV cache allowance,
/// against the memory the OS reports as available. CPU only: "auto" GPU layers is 0.
/// </summary>
internal sealed class FileSizeFitCheck : IModelFitCheck
{
    // Bytes of KV cache per token of context, an upper bound for models up to ~8B parameters at F16.
    private const long KvBytesPerToken = 128 * 1024;

    public int Check(ModelLoadOptions options)
    {
        var file = new FileInfo(options.ModelPath);
        if (!file.Exists)
        {
            throw new ModelLoadException($"The model file {options.ModelPath} does not exist.");
        }

        var kvScale = options.KvCacheType switch
        {
            KvCacheType.Q8_0 => 0.53,
            KvCacheType.Q4_0 => 0.28,
            _ => 1.0,
        };
        var kv = (long)(KvBytesPerToken * kvScale * options.ContextPerSequence * options.ParallelSequences);
        var needed = file.Length + kv;
        if (AvailableMemoryBytes() is { } available && needed > available)
        {
            throw new ModelTooLargeException(
                $"The model needs about {Gib(needed)} GiB ({Gib(file.Length)} GiB weights + {Gib(kv)} GiB context for " +
                $"{options.ParallelSequences} x {options.ContextPerSequence} tokens) but only {Gib(available)} GiB is available. " +
                "Choose a smaller quantization, fewer parallel sequences or a shorter context.");
        }

        return options.GpuLayers ?? 0;
    }

    private static string Gib(long bytes) => (bytes / (1024.0 * 1024 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);

    private static long? AvailableMemoryBytes()
    {
        const string meminfo = "/proc/meminfo";
        if (File.Exists(meminfo))
        {
            var line = File.ReadLines(meminfo).FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
            if (line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kib))
            {
                return kib * 1024;
            }
        }

        var total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return total > 0 ? total : null;
    }
}
