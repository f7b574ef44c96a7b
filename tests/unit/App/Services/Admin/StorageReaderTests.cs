using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebChat.Configuration;
using WebChat.Engine.Storage;
using WebChat.Services.Admin;

namespace WebChat.Tests.Unit.App.Services.Admin;

public sealed class StorageReaderTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T12:00:00Z", CultureInfo.InvariantCulture);
    private readonly string root = Path.Combine(Path.GetTempPath(), "webchat-admin-storage", Guid.NewGuid().ToString("N"));
    private readonly ModelStoreOptions storeOptions;
    private readonly ModelStore store;

    public StorageReaderTests()
    {
        storeOptions = new ModelStoreOptions { Directory = Path.Combine(root, "models"), StalePartAge = TimeSpan.FromDays(7) };
        store = new ModelStore(Options.Create(storeOptions), new FixedDiskSpace(123_456_789), new FakeTimeProvider(Now), NullLogger<ModelStore>.Instance);
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void The_report_gives_each_model_its_share_marks_the_loaded_one_and_counts_partial_files_apart()
    {
        Write("models/acme/tiny-GGUF/a.gguf", 100, Now.AddDays(-1));
        Write("models/acme/tiny-GGUF/b.gguf", 50, Now.AddDays(-1));
        Write("models/other/big-GGUF/x.gguf", 30, Now.AddDays(-1));
        Write("models/other/big-GGUF/y.gguf.part", 70, Now.AddDays(-10));
        Write("models/acme/tiny-GGUF/c.gguf.part", 20, Now.AddHours(-1));
        var engine = FixedStatusEngine.Serving(Path.Combine(store.Root, "acme", "tiny-GGUF", "a.gguf"));

        var report = Reader(engine).Read();

        Assert.Equal(store.Root, report.ModelsFolder);
        Assert.Equal(123_456_789, report.FreeBytes);
        Assert.Equal(
            [("acme/tiny-GGUF", 150L, 2, true), ("other/big-GGUF", 30L, 1, false)],
            report.Models.Select(m => (m.Repo, m.Bytes, m.Files, m.IsLoaded)));
        Assert.Equal((180L, 90L, 270L), (report.ModelBytes, report.PartialBytes, report.UsedBytes));
        // Oldest first; only the one untouched for longer than the stale age is stale.
        Assert.Equal(
            [("other/big-GGUF/y.gguf.part", 70L, true), ("acme/tiny-GGUF/c.gguf.part", 20L, false)],
            report.PartialFiles.Select(p => (p.RelativePath, p.SizeBytes, p.IsStale)));
        Assert.Equal(TimeSpan.FromDays(7), report.StalePartAge);
    }

    [Fact]
    public void A_model_that_failed_to_load_is_not_marked_loaded()
    {
        var path = Write("models/acme/tiny-GGUF/a.gguf", 10, Now);
        var engine = new FixedStatusEngine(new WebChat.Engine.Inference.EngineStatus(WebChat.Engine.Inference.EngineState.Failed, path, Error: "bad"));

        Assert.False(Assert.Single(Reader(engine).Read().Models).IsLoaded);
    }

    [Fact]
    public void The_database_size_includes_its_write_ahead_log()
    {
        Write("webchat.db", 4096, Now);
        Write("webchat.db-wal", 1000, Now);

        var report = Reader(FixedStatusEngine.Empty).Read();

        Assert.Equal(5096, report.DatabaseBytes);
        Assert.Empty(report.Models);
        Assert.Empty(report.PartialFiles);
    }

    private StorageReader Reader(FixedStatusEngine engine) => new(
        store, engine, Options.Create(new WebChatOptions { DatabasePath = Path.Combine(root, "webchat.db") }), Options.Create(storeOptions));

    private string Write(string relative, int bytes, DateTimeOffset modified)
    {
        var path = Path.Combine(root, relative);
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
