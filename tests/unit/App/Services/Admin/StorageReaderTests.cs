using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebChat.Configuration;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Engine.Storage;
using WebChat.Services.Admin;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Unit.Engine.Hub;

namespace WebChat.Tests.Unit.App.Services.Admin;

public sealed class StorageReaderTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T12:00:00Z", CultureInfo.InvariantCulture);
    private readonly string databaseFolder = Path.Combine(Path.GetTempPath(), "webchat-admin-storage", Guid.NewGuid().ToString("N"));

    public StorageReaderTests() => Directory.CreateDirectory(databaseFolder);

    public void Dispose() => Directory.Delete(databaseFolder, recursive: true);

    [Fact]
    public async Task The_report_gives_each_model_its_share_marks_the_loaded_one_and_counts_partial_files_apart()
    {
        await using var hub = await FakeHubFixture.StartAsync();
        var services = AtNow(hub);
        var store = services.GetRequiredService<ModelStore>();
        Write(store, "acme/tiny-GGUF/a.gguf", 100, Now.AddDays(-1));
        Write(store, "acme/tiny-GGUF/b.gguf", 50, Now.AddDays(-1));
        Write(store, "other/big-GGUF/x.gguf", 30, Now.AddDays(-1));
        Write(store, "other/big-GGUF/y.gguf.part", 70, Now.AddDays(-10));
        Write(store, "acme/tiny-GGUF/c.gguf.part", 20, Now.AddHours(-1));
        var engine = FixedStatusEngine.Serving(Path.Combine(store.Root, "acme", "tiny-GGUF", "a.gguf"));

        var report = Reader(services, engine).Read();

        Assert.Equal(store.Root, report.ModelsFolder);
        Assert.Equal(123_456_789, report.FreeBytes);
        Assert.Equal(
            [("acme/tiny-GGUF", 150L, 2, true), ("other/big-GGUF", 30L, 1, false)],
            report.Models.Select(m => (m.Repo, m.Bytes, m.Files, m.IsLoaded)));
        Assert.Equal((180L, 90L, 270L), (report.ModelBytes, report.PartialBytes, report.UsedBytes));
        // Oldest first; only the one untouched for longer than the stale age is stale.
        Assert.Equal(
            [("other/big-GGUF/y.gguf.part", 70L, true, false), ("acme/tiny-GGUF/c.gguf.part", 20L, false, false)],
            report.PartialFiles.Select(p => (p.RelativePath, p.SizeBytes, p.IsStale, p.IsDownloading)));
        Assert.Equal(TimeSpan.FromDays(7), report.StalePartAge);
    }

    [Fact]
    public async Task A_model_that_failed_to_load_is_not_marked_loaded()
    {
        await using var hub = await FakeHubFixture.StartAsync();
        var services = AtNow(hub);
        var path = Write(services.GetRequiredService<ModelStore>(), "acme/tiny-GGUF/a.gguf", 10, Now);
        var engine = new FixedStatusEngine(new EngineStatus(EngineState.Failed, path, Error: "bad"));

        Assert.False(Assert.Single(Reader(services, engine).Read().Models).IsLoaded);
    }

    [Fact]
    public async Task The_partial_file_of_a_running_download_is_marked_as_downloading()
    {
        await using var hub = await FakeHubFixture.StartAsync(FakeHubServices.RepoWithRandomFile("acme/slow-GGUF", "s.gguf", 2_000_000));
        hub.Hub.Faults.BandwidthBytesPerSecond = 100_000;
        var services = hub.Services();
        var job = services.GetRequiredService<DownloadManager>().Start(RepoId.Parse("acme/slow-GGUF"), "s.gguf");
        await Eventually.TrueAsync(() => job.Progress.BytesDone > 0);

        var partial = Assert.Single(Reader(services, FixedStatusEngine.Empty).Read().PartialFiles);
        job.Cancel();

        Assert.Equal(("acme/slow-GGUF/s.gguf.part", true), (partial.RelativePath, partial.IsDownloading));
    }

    [Fact]
    public async Task The_database_size_includes_its_write_ahead_log()
    {
        await using var hub = await FakeHubFixture.StartAsync();
        var services = AtNow(hub);
        await File.WriteAllBytesAsync(Path.Combine(databaseFolder, "webchat.db"), new byte[4096]);
        await File.WriteAllBytesAsync(Path.Combine(databaseFolder, "webchat.db-wal"), new byte[1000]);

        var report = Reader(services, FixedStatusEngine.Empty).Read();

        Assert.Equal(5096, report.DatabaseBytes);
        Assert.Empty(report.Models);
        Assert.Empty(report.PartialFiles);
    }

    private static ServiceProvider AtNow(FakeHubFixture hub) =>
        hub.Services(disk: new FixedDiskSpace(123_456_789), replace: s => s.AddSingleton<TimeProvider>(new FakeTimeProvider(Now)));

    private StorageReader Reader(ServiceProvider services, FixedStatusEngine engine) => new(
        services.GetRequiredService<ModelStore>(),
        engine,
        services.GetRequiredService<DownloadManager>(),
        Options.Create(new WebChatOptions { DatabasePath = Path.Combine(databaseFolder, "webchat.db") }),
        services.GetRequiredService<IOptions<ModelStoreOptions>>());

    private static string Write(ModelStore store, string relative, int bytes, DateTimeOffset modified)
    {
        var path = Path.Combine(store.Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[bytes]);
        File.SetLastWriteTimeUtc(path, modified.UtcDateTime);
        return path;
    }

    private sealed class FixedDiskSpace(long bytes) : IDiskSpaceProbe
    {
        public long AvailableBytes(string folder) => bytes;
    }
}
