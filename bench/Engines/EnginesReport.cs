using System.Globalization;
using System.Text;
using WebChat.Bench.Peer;

namespace WebChat.Bench.Engines;

/// <summary>bench engines' results: per round, one request directly, one through WebChat's /v1, one through its chat page; then the replicas.</summary>
internal sealed class EnginesReport
{
    public required string Command { get; init; }
    public required string Model { get; init; }
    public required int Threads { get; init; }

    /// <summary>The CPU the engine ran on alone (--engine-cpu), the bench, WebChat and Chromium on the others; null: all shared all.</summary>
    public int? EngineCpu { get; init; }
    public required int AnswerTokens { get; init; }
    public required int Rounds { get; init; }
    public required string LlamaServer { get; init; }
    public string? LoadAtStart { get; init; }
    public string? LoadAtEnd { get; set; }
    public DateTime Date { get; } = DateTime.UtcNow;
    public List<StreamResult> Direct { get; } = [];
    public List<StreamResult> Api { get; } = [];
    public List<StreamResult> Page { get; } = [];

    /// <summary>llama-server's own prompt time and decode speed during each side's answers (its /metrics).</summary>
    public List<EngineView> DirectEngine { get; } = [];
    public List<EngineView> ApiEngine { get; } = [];
    public List<EngineView> PageEngine { get; } = [];

    /// <summary>The chat page's answers as WebChat's own remote client timed them.</summary>
    public List<WebChatView> PageServer { get; } = [];

    /// <summary>Why WebChat could not be measured with llama-server as its remote engine, when it could not.</summary>
    public string? WebChatError { get; set; }

    public ReplicaResult? Replicas { get; set; }

    /// <summary>Why the replica part stopped, when it did.</summary>
    public string? ReplicaError { get; set; }

    public string Table()
    {
        var text = new StringBuilder();
        text.AppendLine("## llama-server directly vs through WebChat (remote engine, no in-process engine)");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `{Command}` ({Date:yyyy-MM-dd HH:mm} UTC). Model: {Model}, served by one llama-server (`-t {Threads} -np 4`; {LlamaServer}; built by `scripts/build-llama-server.sh`){(EngineCpu is { } cpu ? $", alone on CPU {cpu}; the bench, WebChat and Chromium on the other CPUs" : "")}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"{Rounds} interleaved rounds (order rotates, 300 ms apart), one request per side per round, a new ~300-word prompt each, answers of up to {AnswerTokens} tokens.");
        text.AppendLine("Direct and WebChat /v1: the same streaming client, request sent → first content chunk; tokens/s from the first to the last chunk.");
        text.AppendLine("Chat page: Enter → first answer text in the DOM, tokens (llama-server's `tokens_predicted_total`) over first → last text change.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Only completed streams count. Load average at start {LoadAtStart ?? "?"}, at the end {LoadAtEnd ?? "?"}.");
        text.AppendLine();
        if (WebChatError is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"**Through WebChat not measured**: {WebChatError}");
            text.AppendLine();
        }

        text.AppendLine("| path | completed | time to first token, median ms | decode tok/s, median | TTFT speed vs direct (goal ≥ 0.95) | tok/s vs direct (goal ≥ 0.95) |");
        text.AppendLine("|---|---|---|---|---|---|");
        Row(text, "llama-server directly", Direct, compare: false);
        Row(text, "WebChat /v1", Api, compare: true);
        Row(text, "WebChat chat page (Chromium)", Page, compare: true);
        WhereTheTimeGoes(text);
        if (Replicas is { } replicas)
        {
            ReplicaTable(text, replicas);
        }
        else if (ReplicaError is not null)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"**Two replicas not measured**: {ReplicaError}");
        }

        return text.ToString();
    }

    // Splits each path's time: the engine's own prompt time and decode speed (was the engine slowed?), and for the chat
    // page what WebChat's remote client saw (was the answer slow to reach WebChat, or slow from WebChat to the DOM?).
    private void WhereTheTimeGoes(StringBuilder text)
    {
        if (DirectEngine.Count == 0)
        {
            return;
        }

        static string Median(IEnumerable<double> values, string format) =>
            values.ToArray() is { Length: > 0 } all ? Stats.Median(all).ToString(format, CultureInfo.InvariantCulture) : "—";

        text.AppendLine();
        text.AppendLine("Where the time goes (medians): llama-server's own prompt time and decode speed during each side's answers (`prompt_seconds_total`, `tokens_predicted_seconds_total` of its /metrics), and for the chat page the time to first token and tokens/s that WebChat's remote client measured (stored with the answer).");
        text.AppendLine();
        text.AppendLine("| path | engine prompt ms | engine decode tok/s | WebChat's client: first token ms | WebChat's client: tok/s |");
        text.AppendLine("|---|---|---|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| llama-server directly | {Median(DirectEngine.Select(e => e.PromptMs), "0")} | {Median(DirectEngine.Select(e => e.DecodeTokensPerSecond), "0.0")} | — | — |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| WebChat /v1 | {Median(ApiEngine.Select(e => e.PromptMs), "0")} | {Median(ApiEngine.Select(e => e.DecodeTokensPerSecond), "0.0")} | — | — |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| WebChat chat page (Chromium) | {Median(PageEngine.Select(e => e.PromptMs), "0")} | {Median(PageEngine.Select(e => e.DecodeTokensPerSecond), "0.0")} | {Median(PageServer.Select(p => p.FirstTokenMs), "0")} | {Median(PageServer.Select(p => p.TokensPerSecond), "0.0")} |");

        text.AppendLine();
        text.AppendLine("What each path adds to the engine (per answer, then median [min–max] over rounds): TTFT share = the engine's prompt time / the path's TTFT; decode share = the path's tok/s / the engine's own tok/s in that same answer. \"vs direct\" divides by the direct answer's share of the same round. This leaves out the engine's own speed, which other processes on a shared machine swing between answers (by 10x in a busy run), and which no path through WebChat changes except by taking CPU from an engine on the same machine.");
        text.AppendLine();
        text.AppendLine("| path | TTFT share | decode share | TTFT vs direct (goal ≥ 0.95) | tok/s vs direct (goal ≥ 0.95) |");
        text.AppendLine("|---|---|---|---|---|");
        ShareRow(text, "llama-server directly", Direct, DirectEngine);
        ShareRow(text, "WebChat /v1", Api, ApiEngine);
        ShareRow(text, "WebChat chat page (Chromium)", Page, PageEngine);
    }

    private void ShareRow(StringBuilder text, string name, List<StreamResult> results, List<EngineView> engine)
    {
        var own = results.Zip(engine, Share).ToArray();
        var direct = Direct.Zip(DirectEngine, Share).ToArray();
        var pairs = own.Zip(direct).Where(p => p.First is not null && p.Second is not null).Select(p => (Path: p.First!.Value, Direct: p.Second!.Value)).ToArray();
        var valid = own.OfType<(double Ttft, double Decode)>().ToArray();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {Stats.Ratio([.. valid.Select(v => v.Ttft)])} | {Stats.Ratio([.. valid.Select(v => v.Decode)])} | {(ReferenceEquals(results, Direct) ? "—" : Stats.Ratio([.. pairs.Select(p => p.Path.Ttft / p.Direct.Ttft)]))} | {(ReferenceEquals(results, Direct) ? "—" : Stats.Ratio([.. pairs.Select(p => p.Path.Decode / p.Direct.Decode)]))} |");
    }

    private static (double Ttft, double Decode)? Share(StreamResult path, EngineView engine) =>
        path.Completed && path.FirstTokenMs > 0 && path.DecodeTokensPerSecond > 0 && engine.DecodeTokensPerSecond > 0
            ? (engine.PromptMs / path.FirstTokenMs, path.DecodeTokensPerSecond / engine.DecodeTokensPerSecond)
            : null;

    private void Row(StringBuilder text, string name, List<StreamResult> results, bool compare)
    {
        if (results.Count == 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | — | — | — | — | — |");
            return;
        }

        var done = results.Where(r => r.Completed).ToArray();
        string ttft = done.Length == 0 ? "—" : Stats.Median([.. done.Select(r => r.FirstTokenMs)]).ToString("0", CultureInfo.InvariantCulture);
        string rate = done.Length == 0 ? "—" : Stats.Median([.. done.Select(r => r.DecodeTokensPerSecond)]).ToString("0.0", CultureInfo.InvariantCulture);
        var pairs = results.Zip(Direct).Where(p => p.First.Completed && p.Second.Completed).ToArray();
        var ttftRatio = compare ? Stats.Ratio([.. pairs.Select(p => p.Second.FirstTokenMs / p.First.FirstTokenMs)]) : "—";
        var rateRatio = compare ? Stats.Ratio([.. pairs.Select(p => p.First.DecodeTokensPerSecond / p.Second.DecodeTokensPerSecond)]) : "—";
        text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {done.Length} of {results.Count} | {ttft} | {rate} | {ttftRatio} | {rateRatio} |");
    }

    private static void ReplicaTable(StringBuilder text, ReplicaResult replicas)
    {
        text.AppendLine();
        text.AppendLine("## Two llama-server replicas (same alias, `-t 1 -np 4` each), 8 conversations at once on the chat page, two turns");
        text.AppendLine();
        text.AppendLine("Requests per replica from each replica's log (\"processing task\"); cached prompt tokens from its `/slots`: the prompt tokens the slot holding that conversation did not process (`n_prompt_tokens` − `n_decoded` − `n_prompt_tokens_processed`; `n_prompt_tokens_cache` is zeroed when a task ends).");
        text.AppendLine();
        text.AppendLine("| turn | answers complete | requests replica a / b | split (larger / smaller; goal ≤ 5/3 = 1.67) | conversations seen in /slots | with cached prompt tokens | cached tokens, median (of prompt) | on the replica of turn 1 |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        for (var turn = 1; turn <= replicas.RequestsPerReplica.Count; turn++)
        {
            var requests = replicas.RequestsPerReplica[turn - 1];
            var split = requests.Min() == 0 ? "∞ (one replica got none)" : ((double)requests.Max() / requests.Min()).ToString("0.00", CultureInfo.InvariantCulture);
            var seen = replicas.Seen.Where(s => s.Turn == turn).ToArray();
            var cached = seen.Count(s => s.CachedTokens > 0);
            var median = seen.Length == 0 ? "—" : string.Create(CultureInfo.InvariantCulture, $"{Stats.Median([.. seen.Select(s => (double)s.CachedTokens)]):0} ({Stats.Median([.. seen.Select(s => (double)s.PromptTokens)]):0})");
            var sticky = turn == 1 ? "—" : seen.Count(s => replicas.Seen.Any(f => f.Turn == 1 && f.Conversation == s.Conversation && f.Replica == s.Replica)).ToString(CultureInfo.InvariantCulture) + $" of {seen.Length}";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {turn} | {replicas.Completed[turn - 1]} of 8 | {string.Join(" / ", requests)} | {split} | {seen.Length} | {cached} | {median} | {sticky} |");
        }
    }
}
