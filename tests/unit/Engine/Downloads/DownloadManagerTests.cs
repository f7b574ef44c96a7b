using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Unit.Engine.Hub;

namespace WebChat.Tests.Unit.Engine.Downloads;

public class DownloadManagerTests
{
    private const int ChunkSize = 256 * 1024;
    private const string FileName = "model.Q4_K_M.gguf";
    private static readonly RepoId Repo = RepoId.Parse("acme/model-GGUF");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static FakeHubRepo ModelRepo(int size = (ChunkSize * 6) + 1000) => FakeHubServices.RepoWithRandomFile("acme/model-GGUF", FileName, size);

    private static DownloadManager Manager(FakeHubFixture fixture, Action<DownloadOptions>? options = null, IDiskSpaceProbe? disk = null) =>
        fixture.Services(downloads: options, disk: disk).GetRequiredService<DownloadManager>();

    private static byte[] Expected(FakeHubFixture fixture, string file = FileName) => fixture.Hub.Repo("acme/model-GGUF").File(file)!.Content;

    [Fact]
    public async Task A_file_downloads_in_parallel_ranges_and_is_installed_verified()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        var manager = Manager(fixture);

        var path = await manager.Start(Repo, FileName).WaitAsync().WaitAsync(Patience);

        Assert.Equal(Path.Combine(fixture.ModelsDirectory, "acme", "model-GGUF", FileName), path);
        Assert.Equal(Expected(fixture), await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + ".part"));
        Assert.False(File.Exists(path + ".part.json"));
        var ranges = fixture.Hub.Log.ServedRanges;
        Assert.Equal(7, ranges.Count);
        Assert.Equal(Expected(fixture).Length, ranges.Sum(r => r.Length));
    }

    [Fact]
    public async Task A_progress_observer_that_throws_does_not_break_the_download()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        var manager = Manager(fixture);
        using var brokenPageListener = manager.Subscribe(_ => throw new ObjectDisposedException("circuit"));
        var job = manager.Start(Repo, FileName);
        using var brokenJobListener = job.Subscribe(_ => throw new InvalidOperationException("gone"));

        var path = await job.WaitAsync().WaitAsync(Patience);

        Assert.Equal(Expected(fixture), await File.ReadAllBytesAsync(path));
        Assert.Equal(DownloadState.Completed, job.State);
    }

    public static TheoryData<string> FaultKinds => ["drop", "server-error", "rate-limit", "stall", "expired-link"];

    [Theory]
    [MemberData(nameof(FaultKinds))]
    public async Task Every_transient_fault_still_ends_in_a_verified_file(string fault)
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        var faults = fixture.Hub.Faults;
        switch (fault)
        {
            case "drop": faults.DropNext(3, afterBytes: 100_000); break;
            case "server-error": faults.FailNext(5, 500, FakeHubRoute.Cdn); break;
            case "rate-limit": faults.RateLimitNext(3, TimeSpan.Zero, route: FakeHubRoute.Cdn); break;
            case "stall": faults.StallNext(2, afterBytes: 50_000); break;
            case "expired-link": faults.FailNext(2, 403, FakeHubRoute.Cdn); break;
        }

        var manager = Manager(fixture, o => o.StallTimeout = TimeSpan.FromMilliseconds(500));
        var path = await manager.Start(Repo, FileName).WaitAsync().WaitAsync(Patience);

        Assert.Equal(Expected(fixture), await File.ReadAllBytesAsync(path));
        if (fault == "expired-link")
        {
            Assert.True(fixture.Hub.Log.Requests.Count(r => r.Route == FakeHubRoute.Resolve) > 1, "the refused link was not resolved again");
        }
    }

    [Fact]
    public async Task Wrong_bytes_fail_verification_delete_the_partial_file_and_install_nothing()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        fixture.Hub.Faults.CorruptContent = true;
        var job = Manager(fixture).Start(Repo, FileName);

        var error = await Assert.ThrowsAsync<DownloadVerificationException>(() => job.WaitAsync().WaitAsync(Patience));

        Assert.Contains("deleted", error.Message, StringComparison.Ordinal);
        Assert.Equal(DownloadState.Failed, job.State);
        Assert.Empty(Directory.EnumerateFiles(fixture.ModelsDirectory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_connection_that_keeps_breaking_ends_in_a_typed_error_and_no_installed_file()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        fixture.Hub.Faults.DropNext(1000, afterBytes: 10);
        var job = Manager(fixture, o => o.MaxRetriesPerRange = 2).Start(Repo, FileName);

        await Assert.ThrowsAsync<DownloadTransferException>(() => job.WaitAsync().WaitAsync(Patience));

        Assert.False(File.Exists(Path.Combine(fixture.ModelsDirectory, "acme", "model-GGUF", FileName)));
    }

    [Fact]
    public async Task A_rate_limit_longer_than_allowed_fails_the_download_with_the_advertised_wait_and_installs_nothing()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        fixture.Hub.Faults.RateLimitNext(100, TimeSpan.FromMinutes(5), route: FakeHubRoute.Cdn);

        var error = await Assert.ThrowsAsync<HubRateLimitedException>(() => Manager(fixture).Start(Repo, FileName).WaitAsync().WaitAsync(Patience));

        Assert.Equal(TimeSpan.FromMinutes(5), error.RetryAfter);
        Assert.False(File.Exists(Path.Combine(fixture.ModelsDirectory, "acme", "model-GGUF", FileName)));
    }

    [Fact]
    public async Task A_new_manager_after_an_abrupt_stop_downloads_no_finished_range_again()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo(ChunkSize * 8));
        fixture.Hub.Faults.BandwidthBytesPerSecond = 1_000_000;
        var mapPath = Path.Combine(fixture.ModelsDirectory, "acme", "model-GGUF", FileName + ".part.json");
        var first = Manager(fixture, o => o.Connections = 2);
        first.Start(Repo, FileName);
        await Eventually.TrueAsync(() => FinishedChunks(mapPath).Length >= 3);
        await first.DisposeAsync();

        var finished = FinishedChunks(mapPath);

        // Not an ordering of our own events: the OS delivers the aborts of the stopped manager's connections a moment
        // later, and a response it abandoned that the server starts now would be counted as the second run's.
        await Task.Delay(200);
        await Eventually.TrueAsync(() => fixture.Hub.ActiveRequests == 0);
        fixture.Hub.Log.Clear();
        fixture.Hub.Faults.BandwidthBytesPerSecond = null;
        var path = await Manager(fixture).Start(Repo, FileName).WaitAsync().WaitAsync(Patience);

        Assert.Equal(Expected(fixture), await File.ReadAllBytesAsync(path));
        var served = fixture.Hub.Log.ServedRanges;
        foreach (var chunk in finished)
        {
            Assert.DoesNotContain(served, r => r.Start < (chunk + 1L) * ChunkSize && r.End > (long)chunk * ChunkSize);
        }

        Assert.Equal((8 - finished.Length) * (long)ChunkSize, served.Sum(r => r.Length));
    }

    [Fact]
    public async Task Not_enough_disk_fails_clearly_before_any_byte_is_written()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        var job = Manager(fixture, disk: new FixedDiskSpace(1000)).Start(Repo, FileName);

        var error = await Assert.ThrowsAsync<InsufficientDiskSpaceException>(() => job.WaitAsync().WaitAsync(Patience));

        Assert.Equal(Expected(fixture).Length, error.RequiredBytes);
        Assert.Contains("Not enough disk space", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(fixture.ModelsDirectory, "*", SearchOption.AllDirectories));
        Assert.Equal(0, fixture.Hub.Log.BytesServed);
    }

    [Fact]
    public async Task A_gated_file_without_a_token_fails_with_the_token_error()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo() with { Gated = "auto" });

        await Assert.ThrowsAsync<HubGatedException>(() => Manager(fixture).Start(Repo, FileName).WaitAsync().WaitAsync(Patience));
    }

    [Fact]
    public async Task A_second_request_for_the_same_file_joins_the_running_job()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        fixture.Hub.Faults.BandwidthBytesPerSecond = 2_000_000;
        var manager = Manager(fixture);

        var first = manager.Start(Repo, FileName);
        var second = manager.Start(Repo, FileName);
        await second.WaitAsync().WaitAsync(Patience);

        Assert.Same(first, second);
        Assert.Equal(Expected(fixture).Length, fixture.Hub.Log.BytesServed);
    }

    [Fact]
    public async Task A_job_keeps_running_when_the_caller_that_started_it_stops_waiting()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        fixture.Hub.Faults.BandwidthBytesPerSecond = 4_000_000;
        var job = Manager(fixture).Start(Repo, FileName);

        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.WaitAsync(impatient.Token));
        var path = await job.WaitAsync().WaitAsync(Patience);

        Assert.Equal(Expected(fixture), await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Pause_keeps_the_partial_file_and_resume_finishes_it()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        fixture.Hub.Faults.BandwidthBytesPerSecond = 1_000_000;
        var job = Manager(fixture).Start(Repo, FileName);
        await Eventually.TrueAsync(() => job.Progress.BytesDone > ChunkSize);

        job.Pause();
        await Eventually.TrueAsync(() => job.State == DownloadState.Paused);
        var partPath = Path.Combine(fixture.ModelsDirectory, "acme", "model-GGUF", FileName + ".part");
        Assert.True(File.Exists(partPath));
        fixture.Hub.Faults.BandwidthBytesPerSecond = null;
        job.Resume();
        var path = await job.WaitAsync().WaitAsync(Patience);

        Assert.Equal(Expected(fixture), await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task Cancel_stops_the_job_and_deletes_the_partial_file()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        fixture.Hub.Faults.BandwidthBytesPerSecond = 500_000;
        var job = Manager(fixture).Start(Repo, FileName);
        await Eventually.TrueAsync(() => job.Progress.BytesDone > 0);

        job.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.WaitAsync().WaitAsync(Patience));
        Assert.Equal(DownloadState.Cancelled, job.State);
        Assert.Empty(Directory.EnumerateFiles(fixture.ModelsDirectory, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Cancelling_a_paused_download_deletes_its_partial_file_and_ends_it_cancelled()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        fixture.Hub.Faults.BandwidthBytesPerSecond = 500_000;
        var job = Manager(fixture).Start(Repo, FileName);
        await Eventually.TrueAsync(() => job.Progress.BytesDone > 0);
        job.Pause();
        await Eventually.TrueAsync(() => job.State == DownloadState.Paused);

        job.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.WaitAsync().WaitAsync(Patience));
        Assert.Equal(DownloadState.Cancelled, job.State);
        Assert.Empty(Directory.EnumerateFiles(fixture.ModelsDirectory, "*", SearchOption.AllDirectories));
        job.Resume();
        Assert.Equal(DownloadState.Cancelled, job.State);
    }

    [Fact]
    public async Task Resume_continues_a_failed_download_to_a_verified_file()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        fixture.Hub.Faults.DropNext(1000, afterBytes: 10);
        var job = Manager(fixture, o => o.MaxRetriesPerRange = 1).Start(Repo, FileName);
        await Assert.ThrowsAsync<DownloadTransferException>(() => job.WaitAsync().WaitAsync(Patience));
        Assert.Equal(DownloadState.Failed, job.State);

        fixture.Hub.Faults.Clear();
        job.Resume();
        var path = await job.WaitAsync().WaitAsync(Patience);

        Assert.Equal(DownloadState.Completed, job.State);
        Assert.Null(job.Progress.Error);
        Assert.Equal(Expected(fixture), await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_file_already_installed_completes_without_fetching_its_bytes_again()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        var path = await Manager(fixture).Start(Repo, FileName).WaitAsync().WaitAsync(Patience);
        var servedBefore = fixture.Hub.Log.ServedRanges.Count;

        // A fresh manager, as after a restart: it only knows what is on disk.
        var again = Manager(fixture).Start(Repo, FileName);

        Assert.Equal(path, await again.WaitAsync().WaitAsync(Patience));
        Assert.Equal(servedBefore, fixture.Hub.Log.ServedRanges.Count);
        Assert.Equal(DownloadState.Completed, again.State);
    }

    [Fact]
    public async Task A_file_that_changes_on_the_hub_mid_download_fails_in_words_and_installs_nothing()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        fixture.Hub.Faults.BandwidthBytesPerSecond = 500_000;
        var job = Manager(fixture).Start(Repo, FileName);
        await Eventually.TrueAsync(() => job.Progress.BytesDone > 0);

        // A new upload replaces the file and the signed link expires: resolving again finds other content.
        fixture.Hub.Add(FakeHubServices.RepoWithRandomFile("acme/model-GGUF", FileName, (ChunkSize * 6) + 1000, seed: 99));
        fixture.Hub.Faults.FailNext(1, 403, FakeHubRoute.Cdn);
        fixture.Hub.Faults.BandwidthBytesPerSecond = null;

        var error = await Assert.ThrowsAsync<HubBadResponseException>(() => job.WaitAsync().WaitAsync(Patience));

        Assert.Contains("changed on the Hub during the download", error.Message, StringComparison.Ordinal);
        Assert.Equal(DownloadState.Failed, job.State);
        Assert.False(File.Exists(Path.Combine(fixture.ModelsDirectory, "acme", "model-GGUF", FileName)));
    }

    [Fact]
    public async Task Progress_reports_bytes_speed_and_the_states_in_order()
    {
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo());
        fixture.Hub.Faults.BandwidthBytesPerSecond = 3_000_000;
        var job = Manager(fixture).Start(Repo, FileName);
        var seen = new List<DownloadProgress>();
        using (job.Subscribe(p => { lock (seen) seen.Add(p); }))
        {
            await job.WaitAsync().WaitAsync(Patience);
        }

        List<DownloadProgress> snapshot;
        lock (seen) snapshot = [.. seen];
        var states = snapshot.Select(p => p.State).Distinct().ToList();
        Assert.Equal([DownloadState.Downloading, DownloadState.Verifying, DownloadState.Completed], states.SkipWhile(s => s != DownloadState.Downloading));
        Assert.Contains(snapshot, p => p.BytesPerSecond > 0 && p.Eta is not null);
        Assert.Equal(Expected(fixture).Length, snapshot[^1].BytesDone);
        Assert.Equal(Expected(fixture).Length, snapshot[^1].TotalBytes);
    }

    [Fact]
    public async Task The_concurrency_limit_starts_the_second_file_only_after_the_first_finishes()
    {
        var repo = ModelRepo() with { Files = [new FakeHubFile("a.gguf", FakeHubServices.RandomBytes(ChunkSize * 3, 1)), new FakeHubFile("b.gguf", FakeHubServices.RandomBytes(ChunkSize * 3, 2))] };
        await using var fixture = await FakeHubFixture.StartAsync(repo);
        fixture.Hub.Faults.BandwidthBytesPerSecond = 3_000_000;
        var manager = Manager(fixture, o => o.MaxConcurrentDownloads = 1);
        var events = new List<(string File, DownloadState State)>();
        using var watch = manager.Subscribe(p => { lock (events) events.Add((p.Key.FileName, p.State)); });

        var a = manager.Start(Repo, "a.gguf");
        var b = manager.Start(Repo, "b.gguf");
        await Task.WhenAll(a.WaitAsync(), b.WaitAsync()).WaitAsync(Patience);

        List<(string File, DownloadState State)> seen;
        lock (events) seen = [.. events];
        var first = seen.First(e => e.State == DownloadState.Resolving).File;
        var second = first == "a.gguf" ? "b.gguf" : "a.gguf";
        Assert.True(seen.FindIndex(e => e == (second, DownloadState.Resolving)) > seen.FindIndex(e => e == (first, DownloadState.Completed)),
            "the second file started before the first finished");
    }

    [Fact]
    public async Task A_split_gguf_downloads_every_part_as_one_model()
    {
        var parts = Enumerable.Range(1, 3).Select(i => new FakeHubFile($"big-0000{i}-of-00003.gguf", FakeHubServices.RandomBytes(100_000, i))).ToList();
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo() with { Files = parts });

        var download = Manager(fixture).StartModel(Repo, "big-00002-of-00003.gguf");
        var first = await download.WaitAsync().WaitAsync(Patience);

        Assert.EndsWith("big-00001-of-00003.gguf", first, StringComparison.Ordinal);
        Assert.Equal(3, download.Parts.Count);
        foreach (var part in parts)
        {
            Assert.Equal(part.Content, await File.ReadAllBytesAsync(Path.Combine(fixture.ModelsDirectory, "acme", "model-GGUF", part.Path)));
        }
    }

    [Fact]
    public async Task A_split_model_larger_than_the_free_disk_is_refused_before_any_part_starts()
    {
        var parts = Enumerable.Range(1, 3).Select(i => new FakeHubFile($"big-0000{i}-of-00003.gguf", FakeHubServices.RandomBytes(100_000, i))).ToList();
        await using var fixture = await FakeHubFixture.StartAsync(ModelRepo() with { Files = parts });
        var manager = Manager(fixture, disk: new FixedDiskSpace(250_000));

        var error = await Assert.ThrowsAsync<InsufficientDiskSpaceException>(() => manager.StartModelAsync(Repo, "big-00001-of-00003.gguf"));

        Assert.Equal(300_000, error.RequiredBytes);
        Assert.Empty(manager.Jobs);
        Assert.Equal(0, fixture.Hub.Log.BytesServed);
    }

    [Fact]
    public void A_file_name_that_escapes_the_models_folder_is_refused_before_anything_starts()
    {
        var manager = new DownloadManager(null!, null!, Microsoft.Extensions.Options.Options.Create(new DownloadOptions()), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<DownloadManager>.Instance);

        Assert.Throws<InvalidStorePathException>(() => manager.Start(Repo, "../../etc/passwd"));
    }

    private static int[] FinishedChunks(string mapPath)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(mapPath));
            return json.RootElement.GetProperty("Ranges").EnumerateArray()
                .Where(r => r.GetProperty("Written").GetInt64() == r.GetProperty("End").GetInt64() - r.GetProperty("Start").GetInt64())
                .Select(r => (int)(r.GetProperty("Start").GetInt64() / ChunkSize)).ToArray();
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return [];
        }
    }

    private sealed class FixedDiskSpace(long bytes) : IDiskSpaceProbe
    {
        public long AvailableBytes(string folder) => bytes;
    }
}
