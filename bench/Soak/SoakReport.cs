using System.Globalization;
using System.Text;
using WebChat.Bench.Chat;

namespace WebChat.Bench.Soak;

/// <summary>Answers by final status in one phase, for light and heavy users.</summary>
internal sealed class PhaseCounts
{
    private readonly Lock _gate = new();

    public Dictionary<string, int> Light { get; } = [];
    public Dictionary<string, int> Heavy { get; } = [];

    public void Count(bool heavy, string status)
    {
        lock (_gate)
        {
            var counts = heavy ? Heavy : Light;
            counts[status] = counts.GetValueOrDefault(status) + 1;
        }
    }
}

internal sealed record QueuePeak(int Queued, int Active);

/// <summary>The server process's memory at one moment of the soak: resident set and the managed heap after the last GC.</summary>
internal sealed record MemorySample(double Seconds, long RssBytes, long ManagedHeapBytes);

/// <summary>Samples this process's memory at an interval, so a leak shows as a trend, not only as two end points.</summary>
internal sealed class MemorySampler : IDisposable
{
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly List<MemorySample> _samples = [];
    private readonly Timer _timer;

    public MemorySampler(TimeSpan interval)
    {
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, interval);
    }

    public IReadOnlyList<MemorySample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var sample = new MemorySample(_clock.Elapsed.TotalSeconds, self.WorkingSet64, GC.GetGCMemoryInfo().HeapSizeBytes);
        lock (_samples)
        {
            _samples.Add(sample);
        }
    }
}

internal sealed record SoakReport(
    DateTime RunAt,
    int Cores,
    double Minutes,
    int LightUsers,
    int HeavyConversations,
    int Sequences,
    int MaxRunningPerUser,
    int MaxQueuedPerUser,
    PhaseCounts Alone,
    PhaseCounts Shared,
    QueuePeak AloneQueue,
    QueuePeak SharedQueue,
    long RssStartBytes,
    long RssEndBytes,
    IReadOnlyList<MemorySample> Memory,
    long LiveManagedStartBytes,
    long LiveManagedEndBytes,
    string StoredAtEnd,
    Latency LightTtftAlone,
    Latency LightTtftShared,
    int LightFailures,
    int StillStreaming,
    int HeavyRefusedByShare,
    IReadOnlyList<string> PageErrorSamples,
    int PageErrors)
{
    /// <summary>Light answers that did not complete, answers left streaming, and browser errors; the heavy user's refusals are the share working.</summary>
    public int Errors => LightFailures + StillStreaming + PageErrors
        + Alone.Light.Where(c => c.Key != "Complete").Sum(c => c.Value) + Shared.Light.Where(c => c.Key != "Complete").Sum(c => c.Value);

    public double RssChange => (double)RssEndBytes / RssStartBytes - 1;
}

/// <summary>Writes bench soak's results: JSON for tools, Markdown for people (bench/results/soak.md, or --out NAME).</summary>
internal static class SoakReportWriter
{

    public static Task WriteAsync(string directory, string name, SoakReport report) =>
        BenchResults.WriteAsync(directory, name, report, Markdown(report));

    public static string Markdown(SoakReport r)
    {
        static string Counts(Dictionary<string, int> counts) => counts.Count == 0 ? "-" : string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}"));
        static string Mib(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture);
        var sessions = r.LightUsers + r.HeavyConversations;
        return new StringBuilder()
            .AppendLine("# Soak: many people chatting at once")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project bench -- soak --minutes {r.Minutes} --light {r.LightUsers}` · {r.Cores} cores · {r.RunAt:u}")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Headless Chromium, one browser context per person (real circuits, the composer's own input and Enter events), against the real engine on the generated tiny model ({r.Sequences} sequences, answers of at most 48 tokens). Each phase runs {r.Minutes / 2:0.##} minutes: first {r.LightUsers} light users alone (1-3 s between questions), then the same light users plus one heavy user sending in {r.HeavyConversations} conversations at once without pause ({sessions} sessions). Share per user: {r.MaxRunningPerUser} generating, {r.MaxQueuedPerUser} waiting.")
            .AppendLine()
            .AppendLine("| phase | light answers | heavy answers | peak waiting | peak generating | light TTFT p50 ms | light TTFT p95 ms |")
            .AppendLine("|---|---|---|---:|---:|---:|---:|")
            .AppendLine(CultureInfo.InvariantCulture, $"| light users alone | {Counts(r.Alone.Light)} | - | {r.AloneQueue.Queued} | {r.AloneQueue.Active} | {r.LightTtftAlone.P50:F0} | {r.LightTtftAlone.P95:F0} |")
            .AppendLine(CultureInfo.InvariantCulture, $"| with the heavy user | {Counts(r.Shared.Light)} | {Counts(r.Shared.Heavy)} | {r.SharedQueue.Queued} | {r.SharedQueue.Active} | {r.LightTtftShared.P50:F0} | {r.LightTtftShared.P95:F0} |")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Errors: {r.Errors} (light answers not complete: {r.LightFailures} failed in the database; answers left streaming: {r.StillStreaming}; browser errors: {r.PageErrors}). The heavy user's answers refused for being over their share: {r.HeavyRefusedByShare} (the share at work, not errors).")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Server RSS (the bench process hosts the app and the engine; Chromium runs in its own processes): {Mib(r.RssStartBytes)} MiB after warm-up, {Mib(r.RssEndBytes)} MiB at the end ({r.RssChange:+0.0%;-0.0%}).")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Live managed memory after a full compacting GC: {Mib(r.LiveManagedStartBytes)} MiB after warm-up, {Mib(r.LiveManagedEndBytes)} MiB at the end, when the database held {r.StoredAtEnd}.")
            .AppendLine()
            .AppendLine("Memory every 30 s (seconds since warm-up: RSS MiB / managed heap MiB): " + string.Join(", ", r.Memory.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Seconds:F0}s {Mib(m.RssBytes)}/{Mib(m.ManagedHeapBytes)}"))))
            .AppendLine()
            .AppendLine("TTFT is the engine's time from submission to the first token, so it includes the wait in the queue. The browsers share the 2 cores with the app and the engine, which a deployment does not; compare the two rows of one run, not across machines.")
            .AppendLine(r.PageErrorSamples.Count == 0 ? "" : "\nBrowser errors seen: " + string.Join("; ", r.PageErrorSamples))
            .ToString();
    }
}
