using System.Text.Json;
using WebChat.Engine.Downloads;

namespace WebChat.Tests.Unit.Engine.Downloads;

public sealed class RangeAssignerTests : IDisposable
{
    private const long Checkpoint = 64 * 1024;
    private const string Sha = "abc";
    private readonly string _mapPath = Path.Combine(Path.GetTempPath(), "webchat-range-tests", Guid.NewGuid().ToString("N") + ".part.json");

    public RangeAssignerTests() => Directory.CreateDirectory(Path.GetDirectoryName(_mapPath)!);

    public void Dispose() => File.Delete(_mapPath);

    [Fact]
    public void Splitting_never_produces_a_range_shorter_than_the_checkpoint_size_and_splits_whenever_a_split_could()
    {
        var random = new Random(26);
        for (var trial = 0; trial < 20_000; trial++)
        {
            var checkpoint = random.Next(1, 9) * 16L;
            var start = random.Next(0, 4) * 1000L;
            var end = start + random.Next(1, 40) * 8L;
            var claimedEnd = start + random.NextInt64(0, end - start + 1);

            var at = RangeAssigner.SplitPoint(start, end, claimedEnd, checkpoint);

            var possible = Enumerable.Range(1, (int)((end - start) / checkpoint) + 1).Select(k => start + k * checkpoint)
                .Any(p => p - start >= checkpoint && end - p >= checkpoint && p > claimedEnd);
            var what = $"range [{start}, {end}), claimed to {claimedEnd}, checkpoint {checkpoint}: split at {at?.ToString() ?? "none"}";
            Assert.True(possible == at.HasValue, what);
            if (at is { } point)
            {
                Assert.True(point - start >= checkpoint && end - point >= checkpoint, what);
                Assert.True((point - start) % checkpoint == 0, what);
                Assert.True(point > claimedEnd, what);
            }
        }
    }

    [Fact]
    public void A_split_lands_on_the_checkpoint_nearest_the_middle_of_what_is_left()
    {
        // 16 checkpoints, 4 of them received: 12 are left and each connection gets 6.
        Assert.Equal(10 * Checkpoint, RangeAssigner.SplitPoint(0, 16 * Checkpoint, 4 * Checkpoint, Checkpoint));

        // Two checkpoints minus a byte left: still halves of at least one checkpoint each.
        Assert.Equal(15 * Checkpoint, RangeAssigner.SplitPoint(0, 16 * Checkpoint, 14 * Checkpoint + 1, Checkpoint));

        // Less than one checkpoint past what is claimed: the connection finishes it alone.
        Assert.Null(RangeAssigner.SplitPoint(0, 16 * Checkpoint, 15 * Checkpoint + 1, Checkpoint));
    }

    [Fact]
    public void A_free_connection_takes_unstarted_ranges_first_then_half_of_the_largest_remainder()
    {
        var map = ResumeMap.Create(3 * 16 * Checkpoint, Sha, 16 * Checkpoint);
        var ranges = new RangeAssigner(map, _mapPath, Checkpoint);
        var first = ranges.Next()!;
        var second = ranges.Next()!;
        var third = ranges.Next()!;
        Assert.Equal([0, 16 * Checkpoint, 32 * Checkpoint], new[] { first.Start, second.Start, third.Start });
        ranges.Claim(first, 0, (int)(2 * Checkpoint));
        ranges.Claim(second, 16 * Checkpoint, (int)(8 * Checkpoint));
        ranges.Finish(third);

        var stolen = ranges.Next()!;

        Assert.Equal((9 * Checkpoint, 16 * Checkpoint), (stolen.Start, stolen.End));
        Assert.Equal(9 * Checkpoint, first.End);
        Assert.Equal(0, ranges.Claim(first, 9 * Checkpoint, 1000));
    }

    [Fact]
    public void The_sidecar_records_a_split_so_another_process_resumes_both_halves_where_their_checkpoints_left_them()
    {
        var map = ResumeMap.Create(2 * 16 * Checkpoint, Sha, 16 * Checkpoint);
        var ranges = new RangeAssigner(map, _mapPath, Checkpoint);
        var first = ranges.Next()!;
        var last = ranges.Next()!;
        ranges.Claim(first, 0, (int)(3 * Checkpoint));
        ranges.Checkpoint(first, 3 * Checkpoint);
        ranges.Finish(last);
        var stolen = ranges.Next()!;
        ranges.Claim(stolen, stolen.Start, (int)Checkpoint);
        ranges.Checkpoint(stolen, Checkpoint);

        var loaded = ResumeMap.TryLoad(_mapPath, map.Size, Sha)!;

        Assert.Equal(
            [(0L, stolen.Start, 3 * Checkpoint), (stolen.Start, 16 * Checkpoint, Checkpoint), (16 * Checkpoint, 32 * Checkpoint, 16 * Checkpoint)],
            loaded.Ranges.Select(r => (r.Start, r.End, r.Written)));
        Assert.Equal(20 * Checkpoint, loaded.CompletedBytes);
    }

    [Fact]
    public void A_sidecar_of_fixed_chunks_from_the_previous_version_resumes_with_its_finished_and_checkpointed_bytes()
    {
        File.WriteAllText(_mapPath, """{"Size":250,"Sha256":"abc","ChunkSize":100,"Done":[true,false,false],"Written":[100,40,0]}""");

        var loaded = ResumeMap.TryLoad(_mapPath, 250, Sha)!;

        Assert.Equal([(0L, 100L, 100L), (100L, 200L, 40L), (200L, 250L, 0L)], loaded.Ranges.Select(r => (r.Start, r.End, r.Written)));
    }

    [Fact]
    public void A_sidecar_whose_ranges_do_not_tile_the_file_is_not_trusted()
    {
        File.WriteAllText(_mapPath, JsonSerializer.Serialize(new
        {
            Size = 250L, Sha256 = Sha, ChunkSize = 100L,
            Ranges = new[] { new { Start = 0L, End = 100L, Written = 100L }, new { Start = 150L, End = 250L, Written = 0L } },
        }));

        Assert.Null(ResumeMap.TryLoad(_mapPath, 250, Sha));
    }
}
