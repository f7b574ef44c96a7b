namespace WebChat.Engine.Hub;

/// <summary>
/// A 0-100 score that ranks search results by how safe a pick they are:
/// <code>
/// score = 100 × ( 0.35 × min(1, log10(1 + downloads) / 6)     popularity: 1M downloads saturates
///               + 0.20 × min(1, log10(1 + likes) / 3)         endorsement: 1,000 likes saturate
///               + 0.20 × exp(−age_days / 180)                 recency of the last update (half weight at ~4 months)
///               + 0.15 × min(1, distinct_quantizations / 6)   choice of quantizations to fit a machine
///               + 0.10 × publisher )                          1 for well-known GGUF publishers and model makers, else 0
/// </code>
/// </summary>
public static class ModelQualityScore
{
    /// <summary>Publishers whose GGUFs are widely used and maintained (quantizers and the model makers themselves).</summary>
    public static readonly IReadOnlySet<string> KnownPublishers = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "bartowski", "unsloth", "lmstudio-community", "TheBloke", "ggml-org", "Qwen", "meta-llama", "google", "microsoft",
        "mistralai", "MaziyarPanahi", "QuantFactory", "NousResearch", "HuggingFaceTB", "ibm-granite", "deepseek-ai",
    };

    public static double Compute(HubModelInfo model, int distinctQuantizations, DateTimeOffset now)
    {
        var downloads = Math.Min(1, Math.Log10(1 + Math.Max(0, model.Downloads ?? 0)) / 6);
        var likes = Math.Min(1, Math.Log10(1 + Math.Max(0, model.Likes ?? 0)) / 3);
        var ageDays = model.LastModified is { } updated ? Math.Max(0, (now - updated).TotalDays) : 365;
        var recency = Math.Exp(-ageDays / 180);
        var quants = Math.Min(1, distinctQuantizations / 6.0);
        var publisher = model.Author is { } author && KnownPublishers.Contains(author) ? 1 : 0;
        return Math.Round(100 * ((0.35 * downloads) + (0.20 * likes) + (0.20 * recency) + (0.15 * quants) + (0.10 * publisher)), 1);
    }
}
