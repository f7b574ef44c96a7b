using WebChat.Engine.Catalog;
using WebChat.Engine.Inference;

namespace WebChat.Engine.Hub;

/// <summary>What a model is for, as far as the Hub's tags, pipeline and names tell.</summary>
public enum ModelTask
{
    Chat,
    Instruct,
    Code,
    Vision,
    Embedding,
}

/// <summary>How search results are ordered.</summary>
public enum ModelSort
{
    Downloads,
    Likes,
    Trending,
    Updated,

    /// <summary>By <see cref="ModelQualityScore"/> (the Hub is asked by downloads, then results are re-ordered).</summary>
    Quality,
}

/// <summary>A model search: every filter is optional. Text, author, parameter range, licence, task and sort go to the Hub; the rest is filtered here.</summary>
public sealed record ModelQuery
{
    public string? Text { get; init; }
    public string? Author { get; init; }

    /// <summary>GGUF architecture, e.g. "llama", "qwen2".</summary>
    public string? Architecture { get; init; }

    public SizeClass? SizeClass { get; init; }
    public long? MinParameters { get; init; }
    public long? MaxParameters { get; init; }

    /// <summary>Quantization label, e.g. "Q4_K_M"; only files with it are offered.</summary>
    public string? Quantization { get; init; }

    public long? MaxFileSizeBytes { get; init; }
    public long? MinContextLength { get; init; }

    /// <summary>Licence id as the Hub writes it, e.g. "apache-2.0", "mit", "llama3.1".</summary>
    public string? License { get; init; }

    public ModelTask? Task { get; init; }
    public DateTimeOffset? UpdatedSince { get; init; }
    public long? MinDownloads { get; init; }

    /// <summary>Keep only models with a file whose memory estimate fits this machine.</summary>
    public bool FitsThisMachine { get; init; }

    public bool HideGated { get; init; }
    public ModelSort Sort { get; init; } = ModelSort.Downloads;

    /// <summary>How many results to return.</summary>
    public int Limit { get; init; } = 20;

    /// <summary>Context per conversation the memory estimate assumes (capped at the model's own); the engine's default, so a fit here is a fit when loaded.</summary>
    public int EstimateContextLength { get; init; } = ModelLoadOptions.DefaultContextPerSequence;

    /// <summary>Conversations at once the memory estimate assumes; the engine's default.</summary>
    public int EstimateParallelSequences { get; init; } = ModelLoadOptions.DefaultParallelSequences;

    /// <summary>Read one GGUF header per model over byte ranges for exact estimates (false: estimate from file sizes only).</summary>
    public bool ReadHeaders { get; init; } = true;
}
