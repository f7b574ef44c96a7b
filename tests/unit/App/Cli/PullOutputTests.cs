using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.App.Cli;

/// <summary>What `pull` prints, from the built command line in its own process: into a pipe, and on a pseudo-terminal.</summary>
public sealed class PullOutputTests : IAsyncDisposable
{
    private const int FileBytes = 2 * 1024 * 1024;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "webchat-pull-output-tests", Guid.NewGuid().ToString("N"));

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
    public async Task Pull_into_a_pipe_prints_plain_progress_lines_without_control_characters()
    {
        await using var hub = await FakeHubServer.StartAsync([new FakeHubRepo { Id = "acme/tiny-GGUF", Files = [new FakeHubFile("tiny-Q8_0.gguf", await PaddedModelAsync())] }]);
        hub.Faults.BandwidthBytesPerSecond = 1024 * 1024;

        var (exitCode, output, _) = await CliProcess.RunAsync(Pull(hub, "acme/tiny-GGUF", "tiny-Q8_0.gguf"), terminal: false);

        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain(output, c => char.IsControl(c) && c != '\n');
        var lines = output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("tiny-Q8_0.gguf: downloading ", StringComparison.Ordinal) && l.Contains("/s, ETA ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("tiny-Q8_0.gguf: completed 100% 2 MiB of 2 MiB", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Verified (sha256) and installed: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_on_a_terminal_draws_a_progress_bar_for_every_file_of_a_split_model()
    {
        var parts = new[] { "tiny-Q8_0-00001-of-00002.gguf", "tiny-Q8_0-00002-of-00002.gguf" };
        await using var hub = await FakeHubServer.StartAsync([new FakeHubRepo
        {
            Id = "acme/split-GGUF",
            Files = [new FakeHubFile(parts[0], await PaddedModelAsync()), new FakeHubFile(parts[1], FakeHubServices.RandomBytes(FileBytes, 2))],
        }]);
        hub.Faults.BandwidthBytesPerSecond = 1024 * 1024;

        var (exitCode, output, _) = await CliProcess.RunAsync(Pull(hub, "acme/split-GGUF", parts[0]), terminal: true);

        Assert.True(exitCode == 0, output);
        Assert.Contains("\u001b[", output, StringComparison.Ordinal);
        Assert.Contains("━", output, StringComparison.Ordinal);
        Assert.All(parts, part => Assert.Contains(part, output, StringComparison.Ordinal));
        Assert.Contains("2.0 MiB", output, StringComparison.Ordinal);
        Assert.Contains("verified", output, StringComparison.Ordinal);
        Assert.DoesNotContain(": downloading ", output, StringComparison.Ordinal);
        Assert.Contains("Verified (sha256) and installed: ", output, StringComparison.Ordinal);
    }

    // A valid GGUF (so the pull can record it) padded to a size that takes a moment at the capped rate.
    private static async Task<byte[]> PaddedModelAsync()
    {
        var content = FakeHubServices.RandomBytes(FileBytes, 1);
        (await File.ReadAllBytesAsync(TestModels.Tiny)).CopyTo(content, 0);
        return content;
    }

    private string[] Pull(FakeHubServer hub, string repo, string file) =>
        ["pull", repo, file, $"--WebChat:Hub:Endpoint={hub.BaseAddress}", $"--WebChat:DataDirectory={_dataDirectory}"];
}
