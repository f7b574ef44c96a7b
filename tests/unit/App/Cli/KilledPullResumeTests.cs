using System.Diagnostics;
using System.Text.Json;
using WebChat.Cli;
using WebChat.Engine.Storage;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.App.Cli;

/// <summary>A real pull process killed (SIGKILL, no chance to clean up) in the middle of its ranges, then resumed.</summary>
public sealed class KilledPullResumeTests : IAsyncDisposable
{
    private const int ChunkSize = 8 * 1024 * 1024;
    private const int Checkpoint = 1024 * 1024;

    // Bytes the server had sent that the killed process had not yet written (socket buffers): small at a capped rate.
    private const int InFlightSlack = 256 * 1024;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "webchat-kill-tests", Guid.NewGuid().ToString("N"));

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        if (Directory.Exists(_dataDirectory))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_pull_killed_mid_range_resumes_inside_each_range_and_fetches_again_at_most_one_checkpoint_per_connection()
    {
        // A valid GGUF padded to three ranges of 8 MiB.
        var content = new byte[3 * ChunkSize];
        Random.Shared.NextBytes(content);
        var model = await File.ReadAllBytesAsync(TestModels.Tiny);
        model.CopyTo(content, 0);
        await using var hub = await FakeHubServer.StartAsync([new FakeHubRepo { Id = "acme/big-GGUF", Files = [new FakeHubFile("big-Q8_0.gguf", content)] }]);
        hub.Faults.BandwidthBytesPerSecond = 1024 * 1024;
        string[] pull = ["pull", "acme/big-GGUF", "big-Q8_0.gguf", $"--WebChat:Hub:Endpoint={hub.BaseAddress}", $"--WebChat:DataDirectory={_dataDirectory}",
            $"--WebChat:Downloads:ChunkSize={ChunkSize}", $"--WebChat:Downloads:CheckpointBytes={Checkpoint}", "--WebChat:Downloads:Connections=3"];
        var target = Path.Combine(_dataDirectory, "models", "acme", "big-GGUF", "big-Q8_0.gguf");

        using (var process = StartPull(pull))
        {
            try
            {
                // Killed once every range has passed at least two checkpoints and none is finished.
                await WaitUntilAsync(() => WrittenPerRange(target + ModelStore.ResumeMapSuffix) is { Length: 3 } written && written.All(w => w is >= 2 * Checkpoint and < ChunkSize), process);
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        var firstRun = hub.Log.ServedRanges.ToList();
        hub.Log.Clear();
        // Still capped: a connection whose range is split stops reading at the split, and what the server had already
        // pushed into the socket counts as sent; uncapped on loopback that is megabytes, at a real CDN's pace a few KiB.
        hub.Faults.BandwidthBytesPerSecond = 4 * 1024 * 1024;

        var exitCode = await WebChatCli.RunAsync(pull, _ => Task.FromResult(99));

        Assert.Equal(0, exitCode);
        Assert.Equal(content, await File.ReadAllBytesAsync(target));
        var secondRun = hub.Log.ServedRanges.ToList();
        Assert.Equal(3, firstRun.Count);
        foreach (var first in firstRun)
        {
            var again = secondRun.Sum(second => Math.Max(0, Math.Min(first.End, second.End) - Math.Max(first.Start, second.Start)));
            Assert.True(again <= Checkpoint + InFlightSlack, $"the range at {first.Start} sent {first.Length} bytes before the kill and {again} of them again");
        }

        Assert.True(secondRun.Sum(r => r.Length) < content.Length - 3 * 2 * Checkpoint + InFlightSlack, "the resume skipped the checkpointed bytes");
    }

    private static Process StartPull(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WebChat.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        // Drained so a full pipe never blocks the child.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static long[]? WrittenPerRange(string mapPath)
    {
        try
        {
            using var map = JsonDocument.Parse(File.ReadAllBytes(mapPath));
            return map.RootElement.GetProperty("Ranges").EnumerateArray().Select(r => r.GetProperty("Written").GetInt64()).ToArray();
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Process process)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (!condition())
        {
            Assert.False(process.HasExited, "the pull ended before it could be killed");
            Assert.True(DateTime.UtcNow < deadline, "the pull made no progress");
            await Task.Delay(20);
        }
    }
}
