using WebChat.Engine.Gguf;

namespace WebChat.Engine.Catalog;

/// <summary>Builds <see cref="ModelDescriptor"/>s from GGUF headers.</summary>
public static class ModelDescriptors
{
    // llama.cpp's fixed sliding-window patterns for architectures whose GGUFs carry only the window size:
    // every Nth layer attends to the full context, the others to the window (llama_hparams::set_swa_pattern).
    private static readonly Dictionary<string, int> SlidingWindowPeriods = new(StringComparer.Ordinal)
    {
        ["gemma2"] = 2,
        ["gemma3"] = 6,
        ["cohere2"] = 4,
        ["gpt-oss"] = 2,
    };

    public static ModelDescriptor FromHeader(GgufHeader header, long? fileSize = null)
    {
        var architecture = header.Architecture ?? throw new GgufFormatException("general.architecture is missing", 0);
        int Int(string key, int fallback = 0) => (int)Math.Clamp(MaxOf(header[$"{architecture}.{key}"]) ?? fallback, 0, int.MaxValue);

        var parameters = header.Tensors.Sum(tensor => tensor.ElementCount);
        var weightBytes = header.TensorDataBytes;
        var embedding = Int("embedding_length");
        var heads = Int("attention.head_count");
        var blocks = Int("block_count");
        var headDimension = heads > 0 ? embedding / heads : 0;
        var slidingWindow = Int("attention.sliding_window");
        return new ModelDescriptor
        {
            Architecture = architecture,
            Name = header.GetString("general.name"),
            ParameterCount = parameters,
            SizeLabel = header.GetString("general.size_label") ?? SizeLabels.FromParameters(parameters),
            SizeClass = SizeClasses.FromParameters(parameters),
            Quantization = QuantizationLabels.FromHeader(header),
            BitsPerWeight = parameters > 0 ? weightBytes * 8.0 / parameters : 0,
            ContextLength = Int("context_length"),
            BlockCount = blocks,
            EmbeddingLength = embedding,
            FeedForwardLength = Math.Max(Int("feed_forward_length"), Int("expert_feed_forward_length") * Math.Max(1, Int("expert_used_count"))),
            HeadCount = heads,
            HeadCountKv = Int("attention.head_count_kv", heads),
            KeyLength = Int("attention.key_length", headDimension),
            ValueLength = Int("attention.value_length", headDimension),
            VocabularySize = Int("vocab_size", header["tokenizer.ggml.tokens"]?.AsArray()?.Length ?? 0),
            SlidingWindow = slidingWindow > 0 ? slidingWindow : null,
            SlidingWindowLayers = slidingWindow > 0 ? CountSlidingWindowLayers(header, architecture, blocks) : 0,
            ExpertCount = Int("expert_count"),
            ExpertUsedCount = Int("expert_used_count"),
            HasChatTemplate = !string.IsNullOrWhiteSpace(header.GetString("tokenizer.chat_template")),
            WeightBytes = weightBytes,
            LayerWeightBytes = header.Tensors.Where(tensor => tensor.Name.StartsWith("blk.", StringComparison.Ordinal)).Sum(tensor => tensor.ByteSize),
            FileSize = fileSize ?? header.FileLength,
        };
    }

    /// <summary>Reads a GGUF file's header and describes it.</summary>
    public static async Task<ModelDescriptor> FromFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var header = await GgufReader.ReadFileAsync(path, cancellationToken: cancellationToken);
        return FromHeader(header, new FileInfo(path).Length);
    }

    private static int CountSlidingWindowLayers(GgufHeader header, string architecture, int blocks)
    {
        var pattern = header[$"{architecture}.attention.sliding_window_pattern"];
        if (pattern?.AsArray() is { ElementType: GgufValueType.Bool } perLayer)
        {
            return perLayer.As<bool>().Count(isSliding => isSliding);
        }

        var period = (int?)pattern?.AsInteger() ?? SlidingWindowPeriods.GetValueOrDefault(architecture);

        // Unknown architectures are counted as full attention: that overestimates memory rather than under.
        return period > 0 ? Enumerable.Range(0, blocks).Count(layer => layer % period < period - 1) : 0;
    }

    /// <summary>A scalar's value, or the largest element of a per-layer array (some architectures vary heads by layer).</summary>
    private static double? MaxOf(GgufValue? value) => value?.AsArray() is { } array
        ? array.Items.Cast<object>()
            .Where(item => item is not (string or bool or GgufArray))
            .Select(item => Convert.ToDouble(item, System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Max()
        : value?.AsInteger();
}
