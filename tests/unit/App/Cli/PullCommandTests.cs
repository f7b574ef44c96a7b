using Microsoft.EntityFrameworkCore;
using WebChat.Engine.Downloads;
using WebChat.Cli;
using WebChat.Data;
using WebChat.Engine.Gguf;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.App.Cli;

public sealed class PullCommandTests : IAsyncDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "webchat-pull-tests", Guid.NewGuid().ToString("N"));

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
    public async Task Pull_with_a_quantization_installs_the_verified_file_and_records_it_and_its_download_in_the_database()
    {
        var q8 = await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q8_0));
        await using var hub = await FakeHubServer.StartAsync([new FakeHubRepo
        {
            Id = "acme/tiny-GGUF",
            Files = [new FakeHubFile("tiny-F32.gguf", await File.ReadAllBytesAsync(TestModels.Tiny)), new FakeHubFile("tiny-Q8_0.gguf", q8)],
        }]);

        var exitCode = await WebChatCli.RunAsync(
            ["pull", "acme/tiny-GGUF", "--quant", "Q8_0", $"--WebChat:Hub:Endpoint={hub.BaseAddress}", $"--WebChat:DataDirectory={_dataDirectory}"],
            _ => Task.FromResult(99));

        Assert.Equal(0, exitCode);
        var installed = Path.Combine(_dataDirectory, "models", "acme", "tiny-GGUF", "tiny-Q8_0.gguf");
        Assert.Equal(q8, await File.ReadAllBytesAsync(installed));
        await using var db = new WebChatDbContext(new DbContextOptionsBuilder<WebChatDbContext>().UseSqlite($"Data Source={Path.Combine(_dataDirectory, "webchat.db")}").Options);
        var row = await db.InstalledModels.SingleAsync();
        Assert.Equal(("acme/tiny-GGUF/tiny-Q8_0.gguf", "acme/tiny-GGUF/tiny-Q8_0.gguf", hub.Repo("acme/tiny-GGUF").File("tiny-Q8_0.gguf")!.Sha256, "Q8_0", "llama"),
            (row.Id, row.RelativePath, row.Sha256, row.Quantization, row.Architecture));
        var download = await db.Downloads.SingleAsync();
        Assert.Equal((DownloadState.Completed, "tiny-Q8_0.gguf", (long)q8.Length, (string?)null),
            (download.State, download.FileName, download.BytesDone, download.RequestedByUserId));
    }

    [Fact]
    public async Task Pull_of_wrong_bytes_fails_records_the_failed_download_and_installs_nothing()
    {
        await using var hub = await FakeHubServer.StartAsync([new FakeHubRepo
        {
            Id = "acme/tiny-GGUF",
            Files = [new FakeHubFile("tiny-Q8_0.gguf", await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q8_0)))],
        }]);
        hub.Faults.CorruptContent = true;

        var exitCode = await WebChatCli.RunAsync(
            ["pull", "acme/tiny-GGUF", "tiny-Q8_0.gguf", $"--WebChat:Hub:Endpoint={hub.BaseAddress}", $"--WebChat:DataDirectory={_dataDirectory}"],
            _ => Task.FromResult(99));

        Assert.Equal(1, exitCode);
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "models", "acme", "tiny-GGUF", "tiny-Q8_0.gguf")));
        await using var db = new WebChatDbContext(new DbContextOptionsBuilder<WebChatDbContext>().UseSqlite($"Data Source={Path.Combine(_dataDirectory, "webchat.db")}").Options);
        Assert.Empty(await db.InstalledModels.ToListAsync());
        var download = await db.Downloads.SingleAsync();
        Assert.Equal(DownloadState.Failed, download.State);
        Assert.Contains("failed verification", download.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_of_a_quantization_the_repository_lacks_fails_with_a_message_and_installs_nothing()
    {
        await using var hub = await FakeHubServer.StartAsync([new FakeHubRepo
        {
            Id = "acme/tiny-GGUF",
            Files = [new FakeHubFile("tiny-F32.gguf", await File.ReadAllBytesAsync(TestModels.Tiny))],
        }]);

        var exitCode = await WebChatCli.RunAsync(
            ["pull", "acme/tiny-GGUF", "--quant", "Q4_K_M", $"--WebChat:Hub:Endpoint={hub.BaseAddress}", $"--WebChat:DataDirectory={_dataDirectory}"],
            _ => Task.FromResult(99));

        Assert.Equal(1, exitCode);
        Assert.False(Directory.Exists(Path.Combine(_dataDirectory, "models", "acme")));
    }
}
