using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using WebChat.Engine.Catalog;
using WebChat.Engine.Gguf;

namespace WebChat.Cli;

/// <summary>The output of `inspect` as text for people or JSON for scripts; long arrays are summarised.</summary>
internal sealed class InspectReport(string path, GgufHeader header, ModelDescriptor descriptor, MemoryEstimate estimate, FitVerdict verdict)
{
    private const int ArrayItemsShown = 8;
    private const int StringCharactersShown = 120;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            file = path,
            ggufVersion = header.Version,
            descriptor,
            metadata = header.Metadata.ToDictionary(entry => entry.Key, entry => JsonValue(entry.Value)),
            tensorCount = header.Tensors.Count,
            estimate = new
            {
                estimate.ContextPerSequence,
                estimate.ParallelSequences,
                estimate.KvCacheType,
                estimate.WeightBytes,
                estimate.KvCacheBytes,
                estimate.ComputeBytes,
                estimate.MarginBytes,
                estimate.TotalBytes,
            },
            verdict,
        },
        JsonOptions) + Environment.NewLine;

    public string ToText()
    {
        var text = new StringBuilder();
        void Line(string label, string value) => text.Append(CultureInfo.InvariantCulture, $"{label,-16}{value}\n");

        Line("File", $"{path} ({ByteSizes.Format(descriptor.FileSize ?? 0)}, GGUF v{header.Version})");
        Line("Architecture", descriptor.Architecture);
        Line("Name", descriptor.Name ?? "(none)");
        Line("Parameters", $"{descriptor.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} ({descriptor.SizeLabel}, {descriptor.SizeClass.ToString().ToLowerInvariant()})");
        Line("Quantization", $"{descriptor.Quantization} ({descriptor.BitsPerWeight.ToString("0.00", CultureInfo.InvariantCulture)} bits per weight)");
        Line("Context", $"{descriptor.ContextLength} tokens");
        Line("Layers", $"{descriptor.BlockCount}, embedding {descriptor.EmbeddingLength}, heads {descriptor.HeadCount} (KV {descriptor.HeadCountKv}), head dims {descriptor.KeyLength}/{descriptor.ValueLength}");
        Line("Vocabulary", $"{descriptor.VocabularySize} tokens");
        Line("Sliding window", descriptor.SlidingWindow is { } window ? $"{window} tokens on {descriptor.SlidingWindowLayers} layers" : "none");
        Line("Experts", descriptor.ExpertCount > 0 ? $"{descriptor.ExpertUsedCount} of {descriptor.ExpertCount} per token" : "none");
        Line("Chat template", descriptor.HasChatTemplate ? "yes" : "no (prompts need a template chosen by name)");

        text.Append(CultureInfo.InvariantCulture, $"\nMetadata ({header.Metadata.Count} keys, {header.Tensors.Count} tensors)\n");
        foreach (var (key, value) in header.Metadata)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {key} = {TextValue(value)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nMemory estimate (context {estimate.ContextPerSequence} x {estimate.ParallelSequences} sequence(s), KV cache {estimate.KvCacheType})\n");
        Line("  Weights", ByteSizes.Format(estimate.WeightBytes));
        Line("  KV cache", ByteSizes.Format(estimate.KvCacheBytes));
        Line("  Compute", ByteSizes.Format(estimate.ComputeBytes));
        Line("  Margin", ByteSizes.Format(estimate.MarginBytes));
        Line("  Total", ByteSizes.Format(estimate.TotalBytes));
        text.Append(CultureInfo.InvariantCulture, $"\nFit: {verdict.Kind}. {verdict.Explanation}\n");
        return text.ToString();
    }

    private static string TextValue(GgufValue value) => value.Value switch
    {
        GgufArray array => TextArray(array),
        string s => Quote(s),
        _ => value.ToString(),
    };

    private static string TextArray(GgufArray array)
    {
        var shown = array.Items.Cast<object>().Take(ArrayItemsShown).Select(item => item switch
        {
            string s => Quote(s),
            GgufArray nested => $"[{nested.ElementType} x {nested.Length}]",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => item.ToString(),
        });
        var more = array.Length > ArrayItemsShown ? $", ... ({array.Length - ArrayItemsShown} more)" : "";
        return $"[{array.ElementType} x {array.Length}] {string.Join(", ", shown)}{more}";
    }

    private static string Quote(string value)
    {
        var escaped = value.Replace("\n", "\\n", StringComparison.Ordinal);
        return escaped.Length > StringCharactersShown
            ? $"\"{escaped[..StringCharactersShown]}...\" ({value.Length} characters)"
            : $"\"{escaped}\"";
    }

    private static object? JsonValue(GgufValue value) => value.Value switch
    {
        GgufArray array when array.Length > ArrayItemsShown => new
        {
            elementType = array.ElementType.ToString(),
            length = array.Length,
            first = array.Items.Cast<object>().Take(ArrayItemsShown).Select(JsonItem).ToArray(),
        },
        GgufArray array => array.Items.Cast<object>().Select(JsonItem).ToArray(),
        float f when !float.IsFinite(f) => f.ToString(CultureInfo.InvariantCulture),
        double d when !double.IsFinite(d) => d.ToString(CultureInfo.InvariantCulture),
        var scalar => scalar,
    };

    private static object? JsonItem(object item) => item switch
    {
        GgufArray nested => JsonValue(GgufValue.Array(nested)),
        float f when !float.IsFinite(f) => f.ToString(CultureInfo.InvariantCulture),
        double d when !double.IsFinite(d) => d.ToString(CultureInfo.InvariantCulture),
        _ => item,
    };
}
