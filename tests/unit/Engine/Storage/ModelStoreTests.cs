using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WebChat.Engine.Hub;
using WebChat.Engine.Storage;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.Engine.Storage;

public sealed class ModelStoreTests : IDisposable
{
    private static readonly RepoId Repo = RepoId.Parse("acme/tiny-GGUF");
    private readonly string _root = Path.Combine(Path.GetTempPath(), "webchat-store-tests", Guid.NewGuid().ToString("N"));
    private readonly ModelStore _store;

    public ModelStoreTests()
    {
        _store = new ModelStore(Options.Create(new ModelStoreOptions { Directory = _root, StalePartAge = TimeSpan.FromDays(1) }),
            new DriveDiskSpaceProbe(), TimeProvider.System, NullLogger<ModelStore>.Instance);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData("../escape.gguf")]
    [InlineData("sub/../../escape.gguf")]
    [InlineData("/etc/passwd")]
    [InlineData("sub\\model.gguf")]
    [InlineData("C:model.gguf")]
    [InlineData("c:/windows/model.gguf")]
    [InlineData("")]
    [InlineData("a//b.gguf")]
    [InlineData("./model.gguf")]
    public void File_names_that_could_escape_the_models_folder_are_refused(string fileName) =>
        Assert.Throws<InvalidStorePathException>(() => _store.PathFor(Repo, fileName));

    [Theory]
    [InlineData("../etc")]
    [InlineData("acme/..")]
    [InlineData("acme/a/b")]
    [InlineData("acme\\x")]
    [InlineData("/abs")]
    [InlineData("acme/.hidden")]
    public void Repository_names_that_are_not_owner_slash_name_are_refused(string repo) =>
        Assert.Throws<InvalidStorePathException>(() => StoreNames.ParseRepo(repo));

    [Fact]
    public void A_file_lands_under_owner_and_repository()
    {
        Assert.Equal(Path.Combine(_root, "acme", "tiny-GGUF", "quants", "m.gguf"), _store.PathFor(Repo, "quants/m.gguf"));
    }

    [Fact]
    public void Listing_shows_installed_files_with_sizes_and_ignores_partial_downloads()
    {
        Write("acme/tiny-GGUF/a.gguf", 100);
        Write("acme/tiny-GGUF/b.gguf", 50);
        Write("acme/tiny-GGUF/c.gguf.part", 70);
        Write("other/big-GGUF/x.gguf", 30);

        Assert.Equal(["acme/tiny-GGUF/a.gguf", "acme/tiny-GGUF/b.gguf", "other/big-GGUF/x.gguf"], _store.ListInstalled().Select(f => $"{f.Repo}/{f.FileName}"));
        Assert.Equal([(Repo, 150L, 2), (RepoId.Parse("other/big-GGUF"), 30L, 1)], _store.DiskUsage().Select(u => (u.Repo, u.Bytes, u.Files)));
        Assert.True(_store.FreeSpace() > 0);
    }

    [Fact]
    public void Deleting_a_model_removes_its_files_and_empty_folders()
    {
        Write("acme/tiny-GGUF/a.gguf", 10);
        Write("acme/other-GGUF/b.gguf", 10);

        Assert.Equal(1, _store.DeleteModel(Repo));
        Assert.False(Directory.Exists(Path.Combine(_root, "acme", "tiny-GGUF")));
        Assert.True(_store.DeleteFile(RepoId.Parse("acme/other-GGUF"), "b.gguf"));
        Assert.False(Directory.Exists(Path.Combine(_root, "acme")));
    }

    [Fact]
    public void Cleanup_removes_stale_partial_files_and_keeps_fresh_or_busy_ones()
    {
        var stale = Write("acme/tiny-GGUF/old.gguf.part", 10);
        Write("acme/tiny-GGUF/old.gguf.part.json", 10);
        var busy = Write("acme/tiny-GGUF/busy.gguf.part", 10);
        var fresh = Write("acme/tiny-GGUF/new.gguf.part", 10);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddDays(-3));
        File.SetLastWriteTimeUtc(busy, DateTime.UtcNow.AddDays(-3));

        var removed = _store.CleanStalePartFiles(path => path == busy);

        Assert.Equal(1, removed);
        Assert.False(File.Exists(stale));
        Assert.False(File.Exists(stale + ".json"));
        Assert.True(File.Exists(busy));
        Assert.True(File.Exists(fresh));
    }

    [Fact]
    public void Partial_files_are_listed_oldest_first_with_their_size_and_whether_cleanup_counts_them_stale()
    {
        var old = Write("acme/tiny-GGUF/old.gguf.part", 30);
        Write("acme/tiny-GGUF/old.gguf.part.json", 5);
        var recent = Write("other/big-GGUF/sub/new.gguf.part", 20);
        Write("acme/tiny-GGUF/done.gguf", 50);
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-3));
        File.SetLastWriteTimeUtc(recent, DateTime.UtcNow.AddHours(-1));

        var partials = _store.ListPartialFiles();

        Assert.Equal(
            [("acme/tiny-GGUF/old.gguf.part", 30L, true), ("other/big-GGUF/sub/new.gguf.part", 20L, false)],
            partials.Select(p => (p.RelativePath, p.SizeBytes, p.IsStale)));
        Assert.Equal(old, partials[0].FullPath);
    }

    [Fact]
    public void A_models_folder_that_does_not_exist_yet_holds_nothing_and_removes_nothing()
    {
        Assert.False(Directory.Exists(_root));

        Assert.Empty(_store.ListInstalled());
        Assert.Empty(_store.DiskUsage());
        Assert.Empty(_store.ListPartialFiles());
        Assert.Equal(0, _store.CleanStalePartFiles());
        Assert.Equal(0, _store.DeleteModel(Repo));
        Assert.False(Directory.Exists(_root));
    }

    [Fact]
    public void Folders_that_are_not_owner_and_repository_names_are_not_listed_as_models()
    {
        Write(".cache/x/a.gguf", 10);
        Write("acme/tiny-GGUF/b.gguf", 10);

        Assert.Equal(["b.gguf"], _store.ListInstalled().Select(f => f.FileName));
    }

    [Fact]
    public void Deleting_a_file_also_removes_its_partial_download_and_reports_whether_it_existed()
    {
        var part = Write("acme/tiny-GGUF/a.gguf.part", 10);
        var map = Write("acme/tiny-GGUF/a.gguf.part.json", 10);

        Assert.False(_store.DeleteFile(Repo, "a.gguf"));
        Assert.False(File.Exists(part));
        Assert.False(File.Exists(map));
        Assert.False(Directory.Exists(Path.Combine(_root, "acme")));
    }

    [Fact]
    public async Task Importing_a_gguf_by_copy_installs_the_same_bytes()
    {
        var source = GgufLikeFile();

        var installed = await _store.ImportAsync(source, Repo, "local.gguf");

        Assert.Equal(await File.ReadAllBytesAsync(source), await File.ReadAllBytesAsync(installed.FullPath));
        Assert.Contains(_store.ListInstalled(), f => f.FileName == "local.gguf");
    }

    [Fact]
    public async Task Importing_by_hard_link_shares_the_data_with_the_source()
    {
        var source = GgufLikeFile();

        var installed = await _store.ImportAsync(source, Repo, "linked.gguf", ImportMode.HardLink);
        await using (var stream = new FileStream(source, FileMode.Open, FileAccess.Write))
        {
            stream.Seek(-1, SeekOrigin.End);
            stream.WriteByte(0x7F);
        }

        Assert.Equal(await File.ReadAllBytesAsync(source), await File.ReadAllBytesAsync(installed.FullPath));
    }

    [Fact]
    public async Task Importing_a_truncated_gguf_is_refused_and_installs_nothing()
    {
        var source = Write("outside/cut.gguf", 0);
        await File.WriteAllBytesAsync(source, (await File.ReadAllBytesAsync(TestModels.Tiny))[..200]);

        await Assert.ThrowsAsync<NotAGgufFileException>(() => _store.ImportAsync(source, Repo, "cut.gguf"));
        Assert.False(File.Exists(_store.PathFor(Repo, "cut.gguf")));
    }

    [Fact]
    public async Task Importing_a_file_that_is_not_a_gguf_is_refused_and_installs_nothing()
    {
        var source = Write("outside/readme.txt", 100);

        await Assert.ThrowsAsync<NotAGgufFileException>(() => _store.ImportAsync(source, Repo, "fake.gguf"));
        Assert.False(File.Exists(_store.PathFor(Repo, "fake.gguf")));
    }

    private string GgufLikeFile()
    {
        var path = Path.Combine(_root, "..", Guid.NewGuid().ToString("N") + ".gguf");
        File.Copy(TestModels.Tiny, path);
        return path;
    }

    private string Write(string relative, int size)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, new byte[size]);
        return path;
    }
}
