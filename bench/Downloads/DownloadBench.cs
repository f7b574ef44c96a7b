using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Tests.Support.FakeHub;

namespace WebChat.Bench.Downloads;

/// <summary>
/// Downloads from the fake Hub with the default ranges and checkpoints: 4 connections vs 1 under a per-connection cap
/// for a large and a mid-size file, and what sha256 verification adds after the last byte.
/// </summary>
internal static class DownloadBench
{
    public const string Command = "downloads";
    private const long CapBytesPerSecond = 4_000_000;
    private const string FileName = "model.Q4_K_M.gguf";
    private static readonly int[] FileBytes = [235_000_000, 40_000_000];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string resultsDirectory, string[] args)
    {
        var runs = args.SkipWhile(a => a != "--runs").Skip(1).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).FirstOrDefault(3);
        var cache = Path.Combine(resultsDirectory, "cache", "downloads");
        var defaults = new DownloadOptions();
        var files = new List<FileResult>();
        foreach (var size in FileBytes)
        {
            var repo = FakeHubServices.RepoWithRandomFile("bench/model-GGUF", FileName, size);
            await using var hub = await FakeHubServer.StartAsync([repo]);
            var one = await MedianAsync(hub, cache, connections: 1, CapBytesPerSecond, runs);
            var four = await MedianAsync(hub, cache, connections: 4, CapBytesPerSecond, runs);
            var unthrottled = await MedianAsync(hub, cache, connections: 4, cap: null, runs);
            files.Add(new FileResult(size / 1e6, one.Seconds, four.Seconds, one.Seconds / four.Seconds, four.VerificationSeconds,
                four.VerificationSeconds / four.Seconds, unthrottled.Seconds, unthrottled.VerificationSeconds, HashWholeFileSeconds(repo.Files[0].Content)));
            Console.WriteLine($"{size / 1e6:0} MB: 1 connection {one.Seconds:0.00} s, 4 connections {four.Seconds:0.00} s ({one.Seconds / four.Seconds:0.00}x)");
        }

        var result = new
        {
            scenario = "downloads",
            per_connection_cap_mb_s = CapBytesPerSecond / 1e6,
            chunk_mib = defaults.ChunkSize / (1024 * 1024),
            checkpoint_mib = defaults.CheckpointBytes / (1024 * 1024),
            runs,
            files,
        };
        Directory.CreateDirectory(resultsDirectory);
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "downloads.json"), JsonSerializer.Serialize(result, Indented));
        var table = Table(files, runs, defaults);
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "downloads.md"), table);
        Console.WriteLine(table);
        Directory.Delete(cache, recursive: true);
        return 0;
    }

    private static async Task<Measurement> MedianAsync(FakeHubServer hub, string cache, int connections, long? cap, int runs)
    {
        var measured = new List<Measurement>();
        for (var run = 0; run < runs; run++)
        {
            measured.Add(await MeasureAsync(hub, Path.Combine(cache, Guid.NewGuid().ToString("N")), connections, cap));
        }

        return measured.OrderBy(m => m.Seconds).ElementAt(runs / 2);
    }

    private static async Task<Measurement> MeasureAsync(FakeHubServer hub, string models, int connections, long? cap)
    {
        hub.Faults.BandwidthBytesPerSecond = cap;
        await using var services = FakeHubServices.Create(hub, models, downloadOptions: o => o.Connections = connections);
        var manager = services.GetRequiredService<DownloadManager>();
        var clock = Stopwatch.StartNew();
        var job = manager.Start(RepoId.Parse("bench/model-GGUF"), FileName);
        await job.WaitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        Directory.Delete(models, recursive: true);
        return new Measurement(seconds, job.VerificationTime.TotalSeconds);
    }

    private static double HashWholeFileSeconds(byte[] content)
    {
        var clock = Stopwatch.StartNew();
        SHA256.HashData(content);
        return clock.Elapsed.TotalSeconds;
    }

    private static string Table(List<FileResult> files, int runs, DownloadOptions defaults)
    {
        string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
        var table = new StringBuilder($"""
            ## Downloads from the fake Hub (median of {runs}; {CapBytesPerSecond / 1e6:0} MB/s per connection; default {defaults.ChunkSize / (1024 * 1024)} MiB ranges, {defaults.CheckpointBytes / (1024 * 1024)} MiB checkpoints, work stealing)

            | file | 1 connection | 4 connections | **speed-up 4 vs 1** | verification after the last byte (capped) | 4 connections, no cap | verification, no cap | hashing the whole file after the download |
            |---|---|---|---|---|---|---|---|

            """);
        foreach (var f in files)
        {
            table.AppendLine(CultureInfo.InvariantCulture,
                $"| {f.FileMegabytes:0} MB | {F(f.OneConnectionSeconds)} s | {F(f.FourConnectionsSeconds)} s | **{f.SpeedupFourVsOne:0.00}x** | {F(f.VerificationTailCappedSeconds)} s = {P(f.VerificationShareCapped)} | {F(f.UnthrottledSeconds)} s | {F(f.VerificationTailUnthrottledSeconds)} s | {F(f.HashAfterDownloadSeconds)} s |");
        }

        table.AppendLine();
        table.AppendLine("Goal: ≥ 3.6x on the 235 MB file (issue 26 measured 2.95x with fixed ranges and no work stealing).");
        return table.ToString();
    }

    private sealed record Measurement(double Seconds, double VerificationSeconds);

    private sealed record FileResult(
        double FileMegabytes,
        double OneConnectionSeconds,
        double FourConnectionsSeconds,
        double SpeedupFourVsOne,
        double VerificationTailCappedSeconds,
        double VerificationShareCapped,
        double UnthrottledSeconds,
        double VerificationTailUnthrottledSeconds,
        double HashAfterDownloadSeconds);
}
