using WebChat.Engine.Catalog;
using WebChat.Engine.Downloads;
using WebChat.Engine.Inference;

namespace WebChat.Engine.Hub;

/// <summary>Turns a repository's file list into downloadable options with a memory estimate and fit verdict each.</summary>
public static class ModelFileOptions
{
    // Overhead llama.cpp adds beyond weights when nothing else is known (matches MemoryEstimator's fixed overhead).
    private const long FallbackOverheadBytes = 48L * 1024 * 1024;

    /// <summary>GGUF model files (split parts grouped, vision projectors left out) with their total sizes.</summary>
    public static IReadOnlyList<(string FileName, IReadOnlyList<string> Parts, string Quantization, long Size)> Group(IEnumerable<HubSibling> siblings)
    {
        var ggufs = siblings.Where(s => s.FileName.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)
                                        && !Path.GetFileName(s.FileName).StartsWith("mmproj", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(s => s.FileName, StringComparer.Ordinal);
        return ggufs.Keys.Where(SplitGgufName.IsFirstPartOrWhole)
            .Select(name =>
            {
                var parts = SplitGgufName.AllParts(name);
                var size = parts.Sum(p => ggufs.TryGetValue(p, out var s) ? s.Size ?? s.Lfs?.Size ?? 0 : 0);
                var quant = GgufFileName.Parse(name)?.Quantization ?? "unknown";
                return (name, parts, quant, size);
            })
            .OrderBy(f => f.size)
            .ToList();
    }

    /// <summary>Estimates one file: from the model's shape (scaled to this file's weights) when known, else from its size.</summary>
    public static ModelFileOption Estimate(
        (string FileName, IReadOnlyList<string> Parts, string Quantization, long Size) file, ModelDescriptor? shape, int contextLength, int parallelSequences, MachineMemory machine)
    {
        MemoryEstimate estimate;
        if (shape is { WeightBytes: > 0, FileSize: { } shapeFileSize })
        {
            var weights = Math.Max(1, file.Size - (shapeFileSize - shape.WeightBytes));
            var scaled = shape with
            {
                WeightBytes = weights,
                LayerWeightBytes = (long)(shape.LayerWeightBytes * ((double)weights / shape.WeightBytes)),
                FileSize = file.Size,
            };
            var context = shape.ContextLength > 0 ? Math.Min(contextLength, shape.ContextLength) : contextLength;
            estimate = MemoryEstimator.Estimate(scaled, context, parallelSequences, KvCacheType.F16);
        }
        else
        {
            estimate = new MemoryEstimate { WeightBytes = file.Size, MarginBytes = FallbackOverheadBytes + (file.Size / 20), ContextPerSequence = contextLength, ParallelSequences = parallelSequences };
        }

        return new ModelFileOption(file.FileName, file.Parts, file.Quantization, file.Size, estimate, MemoryEstimator.Fit(estimate, machine), shape is not null);
    }

    /// <summary>The best quality that fits: highest quantization rank, then the smaller file.</summary>
    public static ModelFileOption? Recommend(IEnumerable<ModelFileOption> files) =>
        files.Where(f => f.Fit.Fits)
            .OrderByDescending(f => QuantizationQuality.Rank(f.Quantization))
            .ThenBy(f => f.SizeBytes)
            .FirstOrDefault();
}
