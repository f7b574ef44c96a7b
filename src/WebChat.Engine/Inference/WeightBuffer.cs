using System.Globalization;
using System.Text.RegularExpressions;

namespace WebChat.Engine.Inference;

/// <summary>
/// One buffer llama.cpp put a model's weights in, from its load log ("CPU_Mapped model buffer size = 462.0 MiB").
/// A buffer of an extra type (CPU_REPACK, AMX) means ggml-cpu repacked those weights into its faster kernels' layout.
/// </summary>
public sealed partial record WeightBuffer(string Name, double MiB)
{
    private static readonly string[] PlainBuffers = ["CPU", "CPU_Mapped"];

    /// <summary>True for a repacked (extra buffer type) buffer; GPU buffers (CUDA0...) and plain CPU memory are not.</summary>
    public bool Repacked => Name.Contains("REPACK", StringComparison.OrdinalIgnoreCase) || Name.Contains("AMX", StringComparison.OrdinalIgnoreCase)
        || (Name.StartsWith("CPU_", StringComparison.Ordinal) && !PlainBuffers.Contains(Name));

    /// <summary>The buffers named in llama.cpp's load log lines; lines of another shape are skipped.</summary>
    public static IReadOnlyList<WeightBuffer> Parse(IEnumerable<string> lines) => lines
        .Select(line => BufferLine().Match(line))
        .Where(match => match.Success)
        .Select(match => new WeightBuffer(match.Groups["name"].Value, double.Parse(match.Groups["mib"].Value, CultureInfo.InvariantCulture)))
        .ToList();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} {MiB:0.#} MiB");

    [GeneratedRegex(@"(?<name>[A-Za-z0-9_]+) model buffer size\s*=\s*(?<mib>[0-9.]+) MiB")]
    private static partial Regex BufferLine();
}
