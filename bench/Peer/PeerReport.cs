using System.Globalization;
using System.Text;
using WebChat.Engine.Inference;

namespace WebChat.Bench.Peer;

/// <summary>The engine's settings in a peer run (the app's defaults unless a switch changed one).</summary>
internal sealed record BenchSettings
{
    public int PrefillChunkTokens { get; init; }
    public TimeSpan PrefillStepBudget { get; init; }
    public int? BatchThreads { get; init; }
    public bool FlashAttention { get; init; }
    public KvCacheType KvCache { get; init; }
    public string? NativeLibrary { get; init; }

    public InferenceOptions ToInference() => new()
    {
        PrefillChunkTokens = PrefillChunkTokens, PrefillStepBudget = PrefillStepBudget, QueueLimit = 64, KeepAlive = null,
        MinAnswerTokens = 64, NativeLibrary = NativeLibrary,
    };

    public override string ToString() =>
        $"prefill chunk {PrefillChunkTokens} (batch = ubatch = chunk + 8 sequences), step budget {PrefillStepBudget.TotalMilliseconds:0} ms, " +
        $"batch threads {(BatchThreads?.ToString(CultureInfo.InvariantCulture) ?? "= threads")}, flash attention {(FlashAttention ? "auto" : "off")}, KV cache {KvCache}";
}

/// <summary>One measure's per-round values of each side.</summary>
internal sealed class Measure(string name)
{
    public string Name { get; } = name;
    public List<double> Engine { get; } = [];
    public List<double> Bare { get; } = [];
    public List<double> Peer { get; } = [];
    public List<double> VersusPeer { get; } = [];
    public List<double> VersusBare { get; } = [];

    public void Add(double engine, double? bare, double peer)
    {
        Engine.Add(engine);
        Peer.Add(peer);
        VersusPeer.Add(engine / peer);
        if (bare is { } b)
        {
            Bare.Add(b);
            VersusBare.Add(engine / b);
        }
    }
}

internal sealed class ModelResult
{
    public required string Model { get; init; }
    public List<Measure> Measures { get; } = [];

    public Measure Measure(string name)
    {
        var measure = Measures.FirstOrDefault(m => m.Name == name);
        if (measure is null)
        {
            measure = new Measure(name);
            Measures.Add(measure);
        }

        return measure;
    }
}

internal static class Stats
{
    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>"median [min–max]" of per-round ratios.</summary>
    public static string Ratio(IReadOnlyCollection<double> ratios) =>
        ratios.Count == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{Median(ratios):0.00} [{ratios.Min():0.00}–{ratios.Max():0.00}]");
}

internal sealed class PeerReport
{
    public required string Command { get; init; }
    public required string Cpu { get; init; }
    public required int Threads { get; init; }
    public required BenchSettings Settings { get; init; }
    public required string EngineLibrary { get; init; }
    public string? PeerLibrary { get; set; }

    /// <summary>/proc/loadavg when the run started and ended: whether anything else competed for the cores.</summary>
    public string? LoadAtStart { get; init; }

    public string? LoadAtEnd { get; set; }
    public DateTime Date { get; } = DateTime.UtcNow;
    public List<ModelResult> Models { get; } = [];

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("## Engine vs node-llama-cpp (the peer) and vs a bare LLamaSharp loop, same GGUF, same threads");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `{Command}` ({Date:yyyy-MM-dd HH:mm} UTC).");
        text.AppendLine(CultureInfo.InvariantCulture, $"CPU: {Cpu}. Threads: {Threads} on every side.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Engine settings: {Settings}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Engine (and bare loop) library: {EngineLibrary}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Peer library: {PeerLibrary}.");
        text.AppendLine();
        text.AppendLine("Rounds are interleaved (the three sides in a rotating order, 300 ms apart); each cell is the median over rounds, each ratio the");
        text.AppendLine("median of per-round ratios with [min–max]. All are speeds: above 1 the engine is faster. Single values swing with");
        text.AppendLine(CultureInfo.InvariantCulture, $"whatever else the machine runs (load average at start: {LoadAtStart ?? "?"}; at the end: {LoadAtEnd ?? "?"}); ratios made within a round are what to read.");
        text.AppendLine();
        text.AppendLine("| model | measure | engine | bare LLamaSharp | node-llama-cpp | engine / peer | engine / bare (goal ≥ 0.97) |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var model in Models)
        {
            foreach (var m in model.Measures)
            {
                var bare = m.Bare.Count == 0 ? "—" : Stats.Median(m.Bare).ToString("0.0", CultureInfo.InvariantCulture);
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"| {model.Model} | {m.Name} | {Stats.Median(m.Engine):0.0} | {bare} | {Stats.Median(m.Peer):0.0} | {Stats.Ratio(m.VersusPeer)} | {Stats.Ratio(m.VersusBare)} |");
            }
        }

        return text.ToString();
    }
}
