using System.Globalization;
using System.Text;
using WebChat.Bench.Chat;
using WebChat.Data.Entities;

namespace WebChat.Bench.Soak;

internal sealed record NodesSoakSettings(double Minutes, int LightUsers, int Nodes, int InFlightPerNode, int AnswerTokens, TimeSpan TokenDelay);

/// <summary>What one setup (PostgreSQL behind nginx, or one SQLite node) did in the soak.</summary>
internal sealed record SetupResult(
    string Label,
    int Nodes,
    PhaseCounts Alone,
    PhaseCounts Shared,
    int AnswersStarted,
    int StoredComplete,
    int RefusedByShare,
    int StillStreaming,
    int OtherFailed,
    Latency LightTtftAlone,
    Latency LightTtftShared,
    IReadOnlyList<long> RssStartBytes,
    IReadOnlyList<long> RssEndBytes,
    IReadOnlyList<string> PageErrorSamples,
    int PageErrors,
    IReadOnlyList<string> NodeLogErrorSamples,
    int NodeLogErrors)
{
    /// <summary>Answers started (an assistant row was written) that are neither stored complete nor refused by the user's share.</summary>
    public int Lost => AnswersStarted - StoredComplete - RefusedByShare;

    /// <summary>Light answers the browser did not see complete, answers lost, browser errors and errors in the nodes' logs; the heavy user's refusals are the share working.</summary>
    public int Errors => Lost + PageErrors + NodeLogErrors
        + Alone.Light.Where(c => c.Key != "Complete").Sum(c => c.Value) + Shared.Light.Where(c => c.Key != "Complete").Sum(c => c.Value);

    public static SetupResult From(
        string label, int nodes, PhaseCounts alone, PhaseCounts shared, IReadOnlyList<StoredAnswer> answers, DateTime aloneStarted, DateTime sharedStarted,
        IReadOnlyList<long> rssStart, IReadOnlyList<long> rssEnd, List<string> pageErrors, List<string> nodeLogErrors)
    {
        var light = answers.Where(a => a.Email.StartsWith("light", StringComparison.Ordinal) && a.TimeToFirstTokenMs is not null).ToList();
        var refused = answers.Count(a => a.Status == MessageStatus.Failed && a.Error?.Contains(NodesSoak.ShareRefusal, StringComparison.Ordinal) == true);
        return new SetupResult(
            label, nodes, alone, shared,
            answers.Count,
            answers.Count(a => a.Status == MessageStatus.Complete),
            refused,
            answers.Count(a => a.Status == MessageStatus.Streaming),
            answers.Count(a => a.Status is not MessageStatus.Complete and not MessageStatus.Streaming) - refused,
            Latency.Of([.. light.Where(a => a.CreatedAt >= aloneStarted && a.CreatedAt < sharedStarted).Select(a => a.TimeToFirstTokenMs!.Value)]),
            Latency.Of([.. light.Where(a => a.CreatedAt >= sharedStarted).Select(a => a.TimeToFirstTokenMs!.Value)]),
            rssStart, rssEnd, [.. pageErrors.Distinct().Take(10)], pageErrors.Count, [.. nodeLogErrors.Take(10)], nodeLogErrors.Count);
    }
}

internal sealed record NodesSoakReport(DateTime RunAt, int Cores, NodesSoakSettings Settings, IReadOnlyList<SetupResult> Setups);

/// <summary>Writes bench soak --nodes's results: JSON for tools, Markdown (one table per setup) for people.</summary>
internal static class NodesSoakReportWriter
{

    public static Task WriteAsync(string directory, string name, NodesSoakReport report) =>
        BenchResults.WriteAsync(directory, name, report, Markdown(report));

    public static string Markdown(NodesSoakReport report)
    {
        var s = report.Settings;
        var text = new StringBuilder()
            .AppendLine("# Soak across nodes: PostgreSQL behind nginx, and one SQLite node")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project bench -- soak --nodes {s.Nodes} --minutes {s.Minutes} --light {s.LightUsers}` · {report.Cores} cores · {report.RunAt:u}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"The soak's workload in headless Chromium (one browser context per person, real circuits): {s.LightUsers} light users alone (1-3 s between questions) for {s.Minutes / 2:0.##} minutes, then the same light users plus one heavy user sending in 8 conversations at once without pause for {s.Minutes / 2:0.##} minutes. Each node is a WebChat process of its own; all route to one shared remote engine (the fake OpenAI server of tests/support: {s.AnswerTokens} tokens per answer, {s.TokenDelay.TotalMilliseconds:0} ms per token), at most {s.InFlightPerNode} answers at once per node, more wait in the node's fair queue. With several nodes, nginx (the deploy page's configuration) keeps each browser on its node by cookie: light users alternate between the nodes, the heavy user is on the last one. The first account (the admin) is registered on node 1 itself; it does not chat.")
            .AppendLine();
        foreach (var setup in report.Setups)
        {
            text.AppendLine("## " + setup.Label).AppendLine().Append(Table(setup)).AppendLine();
            if (setup.PageErrorSamples.Count > 0)
            {
                text.AppendLine("Browser errors seen: " + string.Join("; ", setup.PageErrorSamples)).AppendLine();
            }

            if (setup.NodeLogErrorSamples.Count > 0)
            {
                text.AppendLine("Errors in the nodes' logs: " + string.Join("; ", setup.NodeLogErrorSamples.Select(e => e.Replace("|", "\\|", StringComparison.Ordinal)))).AppendLine();
            }
        }

        return text
            .AppendLine("Answers started are the assistant rows in the database after the run (warm-up included); lost = started − stored complete − refused by the heavy user's share (a refusal is the share at work: the user is told, nothing was being written). Errors = lost + light answers the browser did not see complete + browser errors + error entries in the nodes' logs once all were up (the first node's start on an empty PostgreSQL database logs EF Core's probe of the not yet created migrations history table as a failed command; that one is not counted). TTFT is the node's time from submission to the first token, the wait in its queue included. Every process (nodes, nginx, PostgreSQL, Chromium) shares the same cores: compare the two tables of one run, not across machines.")
            .ToString();
    }

    private static string Table(SetupResult r)
    {
        static string Counts(Dictionary<string, int> counts) => counts.Count == 0 ? "-" : string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));
        static string Mib(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);
        var rows = new List<(string, string)>
        {
            ("errors", r.Errors.ToString(CultureInfo.InvariantCulture)),
            ("answers started / stored complete / refused by the share / lost", $"{r.AnswersStarted} / {r.StoredComplete} / {r.RefusedByShare} / {r.Lost} (left streaming {r.StillStreaming}, other failures {r.OtherFailed})"),
            ("light users alone: light answers", Counts(r.Alone.Light)),
            ("with the heavy user: light answers / heavy answers", $"{Counts(r.Shared.Light)} / {Counts(r.Shared.Heavy)}"),
            ("light TTFT p50 / p95 ms, alone", string.Create(CultureInfo.InvariantCulture, $"{r.LightTtftAlone.P50:F0} / {r.LightTtftAlone.P95:F0}")),
            ("light TTFT p50 / p95 ms, with the heavy user", string.Create(CultureInfo.InvariantCulture, $"{r.LightTtftShared.P50:F0} / {r.LightTtftShared.P95:F0}")),
            ("browser errors / error lines in the nodes' logs", $"{r.PageErrors} / {r.NodeLogErrors}"),
        };
        for (var i = 0; i < r.RssStartBytes.Count; i++)
        {
            var change = (double)r.RssEndBytes[i] / r.RssStartBytes[i] - 1;
            rows.Add(($"node {i + 1} RSS after warm-up → end, MiB", string.Create(CultureInfo.InvariantCulture, $"{Mib(r.RssStartBytes[i])} → {Mib(r.RssEndBytes[i])} ({change:+0.0%;-0.0%})")));
        }

        var table = new StringBuilder().AppendLine("| measure | value |").AppendLine("|---|---|");
        foreach (var (measure, value) in rows)
        {
            table.AppendLine(CultureInfo.InvariantCulture, $"| {measure} | {value} |");
        }

        return table.ToString();
    }
}
