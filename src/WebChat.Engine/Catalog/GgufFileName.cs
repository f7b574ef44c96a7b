using System.Text.RegularExpressions;

namespace WebChat.Engine.Catalog;

/// <summary>
/// What a GGUF file name says before any header is read, after the convention
/// &lt;Base&gt;-&lt;Size&gt;-&lt;Finetune&gt;-&lt;Version&gt;-&lt;Quant&gt;[-00001-of-00003].gguf and its common variants.
/// </summary>
public sealed partial record GgufFileName
{
    public required string FileName { get; init; }
    public required string BaseName { get; init; }

    /// <summary>"0.5B", "8x7B", "135M"; null when the name carries no size.</summary>
    public string? SizeLabel { get; init; }

    /// <summary>Approximate parameters from <see cref="SizeLabel"/>.</summary>
    public long? ParameterEstimate { get; init; }

    public string? FineTune { get; init; }
    public string? Version { get; init; }

    /// <summary>Upper-case quantization ("Q4_K_M", "Q8_0", "F16"); null when the name carries none.</summary>
    public string? Quantization { get; init; }

    /// <summary>1-based shard number for split models; null for a single file.</summary>
    public int? ShardIndex { get; init; }
    public int? ShardCount { get; init; }

    public bool IsShard => ShardIndex is not null;

    /// <summary>Parses a file name (a path is allowed); null when it does not end in .gguf.</summary>
    public static GgufFileName? Parse(string fileName)
    {
        var name = Path.GetFileName(fileName);
        if (!name.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) || name.Length <= ".gguf".Length)
        {
            return null;
        }

        var rest = name[..^".gguf".Length];
        int? shardIndex = null, shardCount = null;
        if (ShardSuffix().Match(rest) is { Success: true } shard)
        {
            shardIndex = int.Parse(shard.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
            shardCount = int.Parse(shard.Groups["count"].Value, System.Globalization.CultureInfo.InvariantCulture);
            rest = rest[..shard.Index];
        }

        string? quantization = null;
        if (QuantizationSuffix().Match(rest) is { Success: true } quant)
        {
            quantization = Normalize(quant.Groups["quant"].Value);
            rest = rest[..quant.Index];
        }

        var parts = rest.Split('-', StringSplitOptions.RemoveEmptyEntries);
        var sizeAt = Array.FindIndex(parts, part => SizePart().IsMatch(part));
        if (sizeAt <= 0)
        {
            return new GgufFileName { FileName = name, BaseName = rest, Quantization = quantization, ShardIndex = shardIndex, ShardCount = shardCount };
        }

        var size = parts[sizeAt].ToUpperInvariant();
        var tail = parts[(sizeAt + 1)..];
        var version = tail.LastOrDefault(part => VersionPart().IsMatch(part));
        var fineTune = string.Join('-', tail.Where(part => part != version));
        return new GgufFileName
        {
            FileName = name,
            BaseName = string.Join('-', parts[..sizeAt]),
            SizeLabel = size,
            ParameterEstimate = SizeLabels.ToParameters(size),
            FineTune = fineTune.Length > 0 ? fineTune : null,
            Version = version,
            Quantization = quantization,
            ShardIndex = shardIndex,
            ShardCount = shardCount,
        };
    }

    private static string Normalize(string quantization)
    {
        var upper = quantization.ToUpperInvariant();
        return upper is "FP16" ? "F16" : upper is "FP32" ? "F32" : upper;
    }

    [GeneratedRegex(@"-(?<index>\d{5})-of-(?<count>\d{5})$")]
    private static partial Regex ShardSuffix();

    // Quant names after '-' or '.' (TheBloke's "model.Q4_K_M.gguf"): Q4_K_M, IQ4_XS, Q8_0, F16, BF16, TQ1_0, MXFP4.
    [GeneratedRegex(@"[-.](?<quant>(?:I?Q\d(?:_[A-Z0-9]+)*|B?F16|FP16|F32|FP32|TQ\d_\d|MXFP4(?:_MOE)?))$", RegexOptions.IgnoreCase)]
    private static partial Regex QuantizationSuffix();

    // 0.5B, 7b, 135M, 8x7B, 1.1B (not "v0.1" or "4k").
    [GeneratedRegex(@"^(?:\d+x)?\d+(?:\.\d+)?[MBT]$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePart();

    [GeneratedRegex(@"^v\d+(?:\.\d+)*$", RegexOptions.IgnoreCase)]
    private static partial Regex VersionPart();
}
