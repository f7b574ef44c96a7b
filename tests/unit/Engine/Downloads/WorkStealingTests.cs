using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Unit.Engine.Hub;

namespace WebChat.Tests.Unit.Engine.Downloads;

/// <summary>A connection that runs out of ranges takes the second half of another connection's range, on the real fake Hub.</summary>
public sealed class WorkStealingTests
{
    private const string FileName = "model.Q4_K_M.gguf";
    private static readonly RepoId Repo = RepoId.Parse("acme/model-GGUF");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    // Bytes a stopped connection had been sent but not written (socket buffers), and what HttpClient drains from a
    // response it stops reading early: small at a capped rate.
    private const long InFlightSlack = 256 * 1024;

    private static DownloadManager Manager(FakeHubFixture fixture, long chunk, long checkpoint, int connections = 2) =>
        fixture.Services(downloads: o =>
        {
            o.ChunkSize = chunk;
            o.CheckpointBytes = checkpoint;
            o.Connections = connections;
            // The fixture's 2 s stall limit retries a connection that a loaded machine paused, from its last 16 KiB
            // write; such a retry's range would read as a split off the checkpoint grid. These tests count splits.
            o.StallTimeout = TimeSpan.FromSeconds(30);
        }).GetRequiredService<DownloadManager>();

    private static string MapPath(FakeHubFixture fixture) => Path.Combine(fixture.ModelsDirectory, "acme", "model-GGUF", FileName + ".part.json");

    [Fact]
    public async Task A_range_split_mid_transfer_produces_a_byte_exact_file()
    {
        // A long first range and a short last one: the connection that finishes the short one takes half of the long one.
        const long chunk = 1024 * 1024;
        const long checkpoint = 64 * 1024;
        await using var fixture = await FakeHubFixture.StartAsync(FakeHubServices.RepoWithRandomFile("acme/model-GGUF", FileName, (int)(chunk + (chunk / 4))));
        fixture.Hub.Faults.BandwidthBytesPerSecond = 1_000_000;
        var content = fixture.Hub.Repo("acme/model-GGUF").File(FileName)!.Content;

        var path = await Manager(fixture, chunk, checkpoint).Start(Repo, FileName).WaitAsync().WaitAsync(Patience);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        var served = fixture.Hub.Log.ServedRanges;
        // The halves may split again when one connection finishes its half first; every split lands on the checkpoint grid.
        var stolen = served.Where(r => r.Start > 0 && r.Start < chunk).ToList();
        Assert.NotEmpty(stolen);
        Assert.All(stolen, r => Assert.Equal(0, r.Start % checkpoint));
        var first = Assert.Single(served, r => r.Start == 0);
        Assert.True(first.Length <= stolen.Min(r => r.Start) + InFlightSlack, $"the first connection went on to byte {first.Length} past the split at {stolen.Min(r => r.Start)}");
        Assert.True(served.Sum(r => r.Length) <= content.Length + InFlightSlack, $"{served.Sum(r => r.Length)} bytes served for a {content.Length}-byte file");
    }

    [Fact]
    public async Task A_download_stopped_in_the_middle_of_a_split_range_resumes_without_fetching_more_than_one_checkpoint_per_connection_again()
    {
        const long chunk = 2 * 1024 * 1024;
        const long checkpoint = 128 * 1024;
        await using var fixture = await FakeHubFixture.StartAsync(FakeHubServices.RepoWithRandomFile("acme/model-GGUF", FileName, (int)(chunk + (chunk / 8))));
        fixture.Hub.Faults.BandwidthBytesPerSecond = 512 * 1024;
        var content = fixture.Hub.Repo("acme/model-GGUF").File(FileName)!.Content;
        var first = Manager(fixture, chunk, checkpoint);
        first.Start(Repo, FileName);

        // Stopped (as a crash would: the sidecar holds only checkpoints) once the long range is split and both of its
        // halves are two checkpoints in.
        await Eventually.TrueAsync(() => Ranges(MapPath(fixture)) is { Length: 3 } ranges
            && ranges[0].Written >= 2 * checkpoint && ranges[1].Written >= 2 * checkpoint && ranges[1].Written < ranges[1].End - ranges[1].Start);
        await first.DisposeAsync();
        var atStop = Ranges(MapPath(fixture))!;

        // Not an ordering of our own events: the OS delivers the aborts of the stopped manager's connections a moment
        // later, and a response it abandoned that the server starts now would be counted as the second run's.
        await Task.Delay(200);
        await Eventually.TrueAsync(() => fixture.Hub.ActiveRequests == 0);
        var firstRun = fixture.Hub.Log.ServedRanges.ToList();
        fixture.Hub.Log.Clear();
        // Still capped: a connection whose range is split stops reading at the split, and what the server had already
        // pushed into the socket counts as sent; uncapped on loopback that is megabytes, at a real CDN's pace a few KiB.
        fixture.Hub.Faults.BandwidthBytesPerSecond = 4 * 1024 * 1024;
        var path = await Manager(fixture, chunk, checkpoint).Start(Repo, FileName).WaitAsync().WaitAsync(Patience);

        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Equal(3, atStop.Length);
        var secondRun = fixture.Hub.Log.ServedRanges.ToList();
        foreach (var sent in firstRun)
        {
            var again = secondRun.Sum(second => Math.Max(0, Math.Min(sent.End, second.End) - Math.Max(sent.Start, second.Start)));
            Assert.True(again <= checkpoint + InFlightSlack, $"the connection at {sent.Start} was sent {sent.Length} bytes before the stop and {again} of them again");
        }

        var checkpointed = atStop.Sum(r => r.Written);
        Assert.True(secondRun.Sum(r => r.Length) <= content.Length - checkpointed + InFlightSlack, "the resume fetched checkpointed bytes again");
    }

    private static (long Start, long End, long Written)[]? Ranges(string mapPath)
    {
        try
        {
            using var map = JsonDocument.Parse(File.ReadAllBytes(mapPath));
            return map.RootElement.GetProperty("Ranges").EnumerateArray()
                .Select(r => (r.GetProperty("Start").GetInt64(), r.GetProperty("End").GetInt64(), r.GetProperty("Written").GetInt64())).ToArray();
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }
}
