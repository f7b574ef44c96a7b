using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WebChat.Bench.Chat;

/// <summary>Writes bench chat's results: JSON for tools, Markdown for people (bench/results/chat.md).</summary>
internal static class ChatBenchReportWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task WriteAsync(string directory, ChatBenchReport report, bool quick)
    {
        Directory.CreateDirectory(directory);
        var name = quick ? "chat-quick" : "chat";
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".json"), JsonSerializer.Serialize(report, Json));
        var md = new StringBuilder()
            .AppendLine("# Chat streaming benchmark")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project bench -- chat{(quick ? " --quick" : "")}` · {report.Cores} cores · {report.RunAt:u}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Token-to-DOM latency in Chromium (server time a token left the engine → the page's MutationObserver saw it; scripted engine, {report.Rounds} rounds of {report.TokensPerStream} tokens per stream, one every {report.TokenIntervalMs} ms; renders coalesced to ≥{report.RenderIntervalMs} ms apart):")
            .AppendLine()
            .AppendLine("| streams | tokens counted | p50 ms | p95 ms | p99 ms | max ms | goal p95 ≤ 50 ms |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var (streams, latency) in new[]
        {
            ("1, every token", report.OneStream), ("4, every token", report.FourStreams),
            ($"1, after the first {report.SettleTokens}", report.OneStreamSteady), ($"4, after the first {report.SettleTokens}", report.FourStreamsSteady),
            ($"4, sends {report.StaggerMs:F0} ms apart, every token", report.FourStreamsStaggered),
        })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {streams} | {latency.Count} | {latency.P50:F1} | {latency.P95:F1} | {latency.P99:F1} | {latency.Max:F1} | {(latency.P95 <= 50 ? "met" : "missed")} |");
        }

        var cold = report.FourStreamsCold;
        md.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"4 streams, p95 of each round on its own: {string.Join(", ", report.FourStreamsP95PerRound.Select(p => p.ToString("F1", CultureInfo.InvariantCulture)))} ms.")
            .AppendLine(CultureInfo.InvariantCulture, $"The four tabs send in the same instant in the other 4-stream rows (the worst case: four page switches at once); in the staggered row each tab sends {report.StaggerMs:F0} ms after the one before, as people do.")
            .AppendLine(CultureInfo.InvariantCulture, $"Measured on a warmed-up server: {report.WarmUpMethodsCompiled.Count} rounds of 4 streams ran first, each followed by a pause until the .NET JIT went quiet, until two rounds in a row compiled fewer than {report.WarmUpSettledBelow} methods. The JIT compiled {string.Join(", ", report.WarmUpMethodsCompiled)} methods in those rounds and {report.MethodsCompiledWhileMeasuring} while the table above was measured.")
            .AppendLine(CultureInfo.InvariantCulture, $"For comparison, the first 4 streams after start (cold, before the warm-up, JIT tier-up still running): p50 {cold.P50:F1} ms, p95 {cold.P95:F1} ms, p99 {cold.P99:F1} ms, max {cold.Max:F1} ms over {cold.Count} tokens.");

        md.AppendLine()
            .AppendLine("The server's share: from text reaching the server to the render that shows it being handed to the circuit (coalescing wait, dispatcher queue, render), per render:")
            .AppendLine()
            .AppendLine("| streams | renders | p50 ms | p95 ms | p99 ms | max ms |")
            .AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (streams, lag) in new[] { ("1", report.OneStreamServerLag), ("4", report.FourStreamsServerLag) })
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {streams} | {lag.Count} | {lag.P50:F1} | {lag.P95:F1} | {lag.P99:F1} | {lag.Max:F1} |");
        }

        AppendCpu(md, report);
        md.AppendLine()
            .AppendLine("Server render time of the streaming answer (LiveAnswer: catch up the text, Markdown of the open tail, diff), Markdown with lists, code and tables:")
            .AppendLine()
            .AppendLine("| answer | tokens | renders | total ms | ms per token | ms per render |")
            .AppendLine("|---|---:|---:|---:|---:|---:|")
            .AppendLine(CultureInfo.InvariantCulture, $"| short (100 tokens, all runs) | {report.ShortAnswer.Tokens} | {report.ShortAnswer.Renders} | {report.ShortAnswer.TotalMs:F1} | {report.ShortAnswer.PerTokenMs:F4} | {report.ShortAnswer.PerRenderMs:F3} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| long | {report.LongAnswer.Tokens} | {report.LongAnswer.Renders} | {report.LongAnswer.TotalMs:F1} | {report.LongAnswer.PerTokenMs:F4} | {report.LongAnswer.PerRenderMs:F3} |")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Per-token render time, long ÷ short: **{report.LongOverShort:F2}x** (goal ≤ 2x: {(report.LongOverShort <= 2 ? "met" : "missed")}).");
        await File.WriteAllTextAsync(Path.Combine(directory, name + ".md"), md.ToString());
        Console.WriteLine(md.ToString());
    }

    private static void AppendCpu(StringBuilder md, ChatBenchReport report)
    {
        if (report.FourStreamsCpu.Count == 0)
        {
            return;
        }

        md.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Where the {report.Cores} cores went while 4 streams were measured (CPU time from /proc over the rounds that send at once, the switches to a new chat between them included; the app and this bench share a process):")
            .AppendLine()
            .AppendLine("| process | CPU ms per token | share of the machine |")
            .AppendLine("|---|---:|---:|");
        foreach (var use in report.FourStreamsCpu)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {use.Process} | {use.MsPerToken:F2} | {use.ShareOfMachine:P0} |");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"| all | {report.FourStreamsCpu.Sum(u => u.MsPerToken):F2} | {report.FourStreamsCpu.Sum(u => u.ShareOfMachine):P0} |");
    }
}

internal sealed record RenderCost(int Tokens, int Renders, double TotalMs)
{
    public double PerTokenMs => Tokens == 0 ? 0 : TotalMs / Tokens;
    public double PerRenderMs => Renders == 0 ? 0 : TotalMs / Renders;
}

internal sealed record Latency(int Count, double P50, double P95, double P99, double Max)
{
    public static Latency Of(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        return new Latency(sorted.Length, At(0.50), At(0.95), At(0.99), sorted.LastOrDefault());
    }
}

internal sealed record ChatBenchReport(
    DateTime RunAt,
    int Cores,
    int TokensPerStream,
    int Rounds,
    int TokenIntervalMs,
    double RenderIntervalMs,
    Latency OneStream,
    Latency FourStreams,
    Latency OneStreamSteady,
    Latency FourStreamsSteady,
    IReadOnlyList<double> FourStreamsP95PerRound,
    int SettleTokens,
    double StaggerMs,
    Latency FourStreamsStaggered,
    IReadOnlyList<CpuUse> FourStreamsCpu,
    Latency OneStreamServerLag,
    Latency FourStreamsServerLag,
    Latency FourStreamsCold,
    IReadOnlyList<long> WarmUpMethodsCompiled,
    int WarmUpSettledBelow,
    long MethodsCompiledWhileMeasuring,
    RenderCost ShortAnswer,
    RenderCost LongAnswer,
    double LongOverShort);

/// <summary>One process kind's CPU over a phase: per token streamed, and as a share of all cores' time.</summary>
internal sealed record CpuUse(string Process, double MsPerToken, double ShareOfMachine);
