using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;
using WebChat.Services.Admin;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Unit.Engine.Hub;

namespace WebChat.Tests.Unit.App.Services.Admin;

public sealed class PartialFileCleanupTests
{

    [Fact]
    public async Task Cleanup_removes_stale_partial_files_but_never_the_one_a_running_download_writes()
    {
        var repo = FakeHubServices.RepoWithRandomFile("acme/slow-GGUF", "s.gguf", 2_000_000);
        await using var hub = await FakeHubFixture.StartAsync(repo);
        hub.Hub.Faults.BandwidthBytesPerSecond = 100_000;
        var services = hub.Services();
        var downloads = services.GetRequiredService<DownloadManager>();
        var job = downloads.Start(RepoId.Parse("acme/slow-GGUF"), "s.gguf");
        var running = Path.Combine(hub.ModelsDirectory, "acme", "slow-GGUF", "s.gguf.part");
        await Eventually.TrueAsync(() => File.Exists(running) && job.Progress.BytesDone > 0);
        var abandoned = Path.Combine(hub.ModelsDirectory, "old", "gone-GGUF", "g.gguf");
        Directory.CreateDirectory(Path.GetDirectoryName(abandoned)!);
        await File.WriteAllBytesAsync(abandoned + ".part", new byte[100]);
        await File.WriteAllTextAsync(abandoned + ".part.json", "{}");
        // A clock a month ahead makes both partial files stale; only the running download protects one.
        var later = new ModelStore(
            Options.Create(new ModelStoreOptions { Directory = hub.ModelsDirectory, StalePartAge = TimeSpan.FromDays(7) }),
            new DriveDiskSpaceProbe(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(30)), NullLogger<ModelStore>.Instance);

        var removed = new PartialFileCleanup(later, downloads).RemoveStale();

        Assert.Equal(1, removed);
        Assert.False(File.Exists(abandoned + ".part"));
        Assert.False(File.Exists(abandoned + ".part.json"));
        Assert.True(File.Exists(running));
        job.Cancel();
    }
}
