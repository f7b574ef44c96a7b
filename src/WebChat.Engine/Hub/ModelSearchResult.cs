using WebChat.Engine.Catalog;

namespace WebChat.Engine.Hub;

/// <summary>One downloadable GGUF model file (all parts of a split model together) with what it needs on this machine.</summary>
/// <param name="FileName">The file to pull (the first part of a split model).</param>
/// <param name="Parts">Every file it consists of (one unless split).</param>
/// <param name="Quantization">Label from the file name, e.g. "Q4_K_M"; "unknown" when the name has none.</param>
/// <param name="SizeBytes">Download size of all parts.</param>
/// <param name="Estimate">Memory it needs loaded at the query's context length.</param>
/// <param name="Fit">Whether and how it fits this machine.</param>
/// <param name="ExactEstimate">True when the estimate used the model's real shape from its GGUF header; false when only file sizes were known.</param>
public sealed record ModelFileOption(
    string FileName, IReadOnlyList<string> Parts, string Quantization, long SizeBytes, MemoryEstimate Estimate, FitVerdict Fit, bool ExactEstimate);

/// <summary>One model found by <see cref="ModelSearch"/>: the Hub's facts, a quality score, its files and the recommended one.</summary>
public sealed record ModelSearchResult
{
    public required HubModelInfo Model { get; init; }

    /// <summary>The model's shape from one of its GGUF headers, when it was read.</summary>
    public ModelDescriptor? Descriptor { get; init; }

    /// <summary>See <see cref="ModelQualityScore"/> for the formula.</summary>
    public double QualityScore { get; init; }

    public required IReadOnlyList<ModelFileOption> Files { get; init; }

    /// <summary>The best quality file that fits this machine; null when none fits.</summary>
    public ModelFileOption? Recommended { get; init; }

    public string Id => Model.Id;

    public string? Architecture => Descriptor?.Architecture ?? Model.Gguf?.Architecture;

    public long? ParameterCount => Descriptor?.ParameterCount ?? Model.Gguf?.TotalParameters;

    public long? ContextLength => Descriptor?.ContextLength ?? Model.Gguf?.ContextLength;
}
