using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Tests.Support.FakeHub;

namespace WebChat.Bench.Downloads;

/// <summary>Downloads from the fake Hub: 4 connections vs 1 under a per-connection cap, and what sha256 verification adds.</summary>
internal static class DownloadBench
{
    public const string Command = "downloads";
    private const int FileBytes = 24 * 1024 * 1024;
    private const long CapBytesPerSecond = 6_000_000;
    private const int Runs = 3;
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static async Task<int> RunAsync(string resultsDirectory)
    {
        var repo = FakeHubServices.RepoWithRandomFile("bench/model-GGUF", "model.Q4_K_M.gguf", FileBytes);
        await using var hub = await FakeHubServer.StartAsync([repo]);
        var cache = Path.Combine(resultsDirectory, "cache", "downloads");

        var one = await MedianAsync(hub, cache, connections: 1, cap: CapBytesPerSecond);
        var four = await MedianAsync(hub, cache, connections: 4, cap: CapBytesPerSecond);
        var unthrottled = await MedianAsync(hub, cache, connections: 4, cap: null);
        var hashAfter = HashWholeFileSeconds(repo.Files[0].Content);

        var result = new
        {
            scenario = "downloads",
            file_mib = FileBytes / (1024 * 1024),
            per_connection_cap_mb_s = CapBytesPerSecond / 1e6,
            runs = Runs,
            one_connection_s = one.Seconds,
            four_connections_s = four.Seconds,
            speedup_4_vs_1 = one.Seconds / four.Seconds,
            verification_tail_capped_s = four.VerificationSeconds,
            verification_share_capped = four.VerificationSeconds / four.Seconds,
            unthrottled_s = unthrottled.Seconds,
            verification_tail_unthrottled_s = unthrottled.VerificationSeconds,
            verification_share_unthrottled = unthrottled.VerificationSeconds / unthrottled.Seconds,
            hash_after_download_s = hashAfter,
            hash_after_share_unthrottled = hashAfter / unthrottled.Seconds,
        };
        Directory.CreateDirectory(resultsDirectory);
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "downloads.json"), JsonSerializer.Serialize(result, Indented));
        var table = Table(result.one_connection_s, result.four_connections_s, result.speedup_4_vs_1, four, unthrottled, hashAfter);
        await File.WriteAllTextAsync(Path.Combine(resultsDirectory, "downloads.md"), table);
        Console.WriteLine(table);
        Directory.Delete(cache, recursive: true);
        return 0;
    }

    private static async Task<Measurement> MedianAsync(FakeHubServer hub, string cache, int connections, long? cap)
    {
        var runs = new List<Measurement>();
        for (var run = 0; run < Runs; run++)
        {
            runs.Add(await MeasureAsync(hub, Path.Combine(cache, Guid.NewGuid().ToString("N")), connections, cap));
        }

        return runs.OrderBy(m => m.Seconds).ElementAt(Runs / 2);
    }

    private static async Task<Measurement> MeasureAsync(FakeHubServer hub, string models, int connections, long? cap)
    {
        hub.Faults.BandwidthBytesPerSecond = cap;
        await using var services = FakeHubServices.Create(hub, models, downloadOptions: o =>
        {
            o.Connections = connections;
            o.ChunkSize = 2 * 1024 * 1024;
            o.StallTimeout = TimeSpan.FromSeconds(30);
        });
        var manager = services.GetRequiredService<DownloadManager>();
        var clock = Stopwatch.StartNew();
        var job = manager.Start(RepoId.Parse("bench/model-GGUF"), "model.Q4_K_M.gguf");
        await job.WaitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        return new Measurement(seconds, job.VerificationTime.TotalSeconds, job.HashingTime.TotalSeconds);
    }

    private static double HashWholeFileSeconds(byte[] content)
    {
        var clock = Stopwatch.StartNew();
        SHA256.HashData(content);
        return clock.Elapsed.TotalSeconds;
    }

    private static string Table(double one, double four, double speedup, Measurement capped, Measurement unthrottled, double hashAfter)
    {
        string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        string P(double v) => (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";
        return $"""
            ## Downloads from the fake Hub ({FileBytes / (1024 * 1024)} MiB file, median of {Runs})

            | measurement | value |
            |---|---|
            | 1 connection, {CapBytesPerSecond / 1e6:0} MB/s per connection | {F(one)} s |
            | 4 connections, same cap | {F(four)} s |
            | **speed-up 4 vs 1** (goal ≥ 3.5x) | **{speedup:0.00}x** |
            | verification after the last byte, capped (pipelined sha256) | {F(capped.VerificationSeconds)} s = **{P(capped.VerificationSeconds / capped.Seconds)}** of the download (goal ≤ 10 %) |
            | 4 connections, no cap (loopback, worst case for verification) | {F(unthrottled.Seconds)} s |
            | verification after the last byte, no cap | {F(unthrottled.VerificationSeconds)} s = {P(unthrottled.VerificationSeconds / unthrottled.Seconds)} |
            | for comparison: hashing the whole file after the download | {F(hashAfter)} s = {P(hashAfter / unthrottled.Seconds)} of the uncapped download |

            """;
    }

    private sealed record Measurement(double Seconds, double VerificationSeconds, double HashingSeconds);
}
