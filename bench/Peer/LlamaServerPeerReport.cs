using System.Globalization;
using System.Text;
using WebChat.Bench.Engines;

namespace WebChat.Bench.Peer;

/// <summary>Per measure, each side's value per round, the streams that did not complete, and the prompt tokens servers reported cached.</summary>
internal sealed class LlamaServerPeerReport
{
    public const string WebChat = "WebChat /v1";
    public const string Peer = "llama-server";

    public required string Command { get; init; }
    public required string Model { get; init; }
    public required int Threads { get; init; }
    public required int Users { get; init; }
    public required int AnswerTokens { get; init; }
    public required int Rounds { get; init; }
    public required string LlamaServer { get; init; }
    public string? LoadAtStart { get; init; }
    public string? LoadAtEnd { get; set; }
    public DateTime Date { get; } = DateTime.UtcNow;
    public List<SideMeasure> Measures { get; } = [];

    public void Add(string measure, string side, double value, params StreamResult[] streams)
    {
        var entry = Measures.FirstOrDefault(m => m.Measure == measure && m.Side == side);
        if (entry is null)
        {
            entry = new SideMeasure(measure, side);
            Measures.Add(entry);
        }

        // A round whose streams all failed has no value (NaN keeps the rounds of both sides aligned).
        entry.Values.Add(streams.Length > 0 && streams.All(s => !s.Completed) ? double.NaN : value);
        entry.Incomplete += streams.Count(s => !s.Completed);
        entry.FirstErrors.AddRange(streams.Where(s => s.Error is not null).Select(s => s.Error!).Take(2 - Math.Min(2, entry.FirstErrors.Count)));
        entry.CachedTokens.AddRange(streams.Select(s => s.CachedTokens ?? -1));
        entry.PromptTokens.AddRange(streams.Select(s => s.PromptTokens ?? -1));
    }

    private static string MedianOf(List<double> values) =>
        values.Where(double.IsFinite).ToArray() is { Length: > 0 } finite ? Stats.Median(finite).ToString("0.0", CultureInfo.InvariantCulture) : "—";

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("## WebChat's /v1 (in-process engine) vs llama-server, same GGUF, same threads, 4 sequences each");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `{Command}` ({Date:yyyy-MM-dd HH:mm} UTC). Model: {Model}. Threads: {Threads} on each side; {Users} users (API keys of 4 accounts on WebChat).");
        text.AppendLine(CultureInfo.InvariantCulture, $"llama-server: {LlamaServer}; `--no-jinja --chat-template chatml --reasoning-format none -np {Users}`, built by `scripts/build-llama-server.sh`.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Both through the same streaming client (`stream_options.include_usage`), answers of up to {AnswerTokens} tokens, {Rounds} interleaved rounds (the order alternates; 300 ms apart).");
        text.AppendLine(CultureInfo.InvariantCulture, $"Load average at start {LoadAtStart ?? "?"}, at the end {LoadAtEnd ?? "?"}. Each cell is the median over rounds; the ratio is the median of per-round ratios [min–max].");
        text.AppendLine();
        text.AppendLine("| measure | WebChat /v1 | llama-server | WebChat / llama-server | prompt tokens, median (WebChat / llama-server) | cached prompt tokens, median (WebChat / llama-server) | incomplete streams (WebChat / llama-server) |");
        text.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var name in Measures.Select(m => m.Measure).Distinct())
        {
            var ours = Measures.Single(m => m.Measure == name && m.Side == WebChat);
            var theirs = Measures.Single(m => m.Measure == name && m.Side == Peer);
            var ratios = ours.Values.Zip(theirs.Values, (a, b) => a / b).Where(double.IsFinite).ToArray();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {MedianOf(ours.Values)} | {MedianOf(theirs.Values)} | {Stats.Ratio(ratios)} | {ours.Prompt} / {theirs.Prompt} | {ours.Cached} / {theirs.Cached} | {ours.Incomplete} / {theirs.Incomplete} |");
        }

        text.AppendLine();
        text.AppendLine("Times in ms: a ratio above 1 means WebChat takes longer. Tokens/s: above 1 means WebChat is faster. \"n/r\": the server did not report cached tokens.");
        foreach (var error in Measures.SelectMany(m => m.FirstErrors.Select(e => $"{m.Side}, {m.Measure}: {e}")).Take(6))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- incomplete: {error}");
        }

        return text.ToString();
    }
}

internal sealed class SideMeasure(string measure, string side)
{
    public string Measure { get; } = measure;
    public string Side { get; } = side;
    public List<double> Values { get; } = [];
    public List<int> CachedTokens { get; } = [];
    public List<int> PromptTokens { get; } = [];
    public List<string> FirstErrors { get; } = [];
    public int Incomplete { get; set; }

    /// <summary>The median cached count, or n/r when the server reported none.</summary>
    public string Cached => MedianOf(CachedTokens);

    public string Prompt => MedianOf(PromptTokens);

    private static string MedianOf(List<int> counts) => counts.All(c => c < 0)
        ? "n/r"
        : Stats.Median([.. counts.Where(c => c >= 0).Select(c => (double)c)]).ToString("0", CultureInfo.InvariantCulture);
}
