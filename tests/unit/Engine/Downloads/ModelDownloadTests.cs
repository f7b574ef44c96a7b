using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Downloads;
using WebChat.Engine.Hub;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Unit.Engine.Hub;

namespace WebChat.Tests.Unit.Engine.Downloads;

public sealed class ModelDownloadTests
{
    private const string FirstPart = "model-00001-of-00002.gguf";
    private const string SecondPart = "model-00002-of-00002.gguf";
    private const int PartSize = 600_000;
    private static readonly RepoId Repo = RepoId.Parse("acme/split-GGUF");

    private static FakeHubRepo SplitRepo() => new()
    {
        Id = "acme/split-GGUF",
        Files = [new FakeHubFile(FirstPart, FakeHubServices.RandomBytes(PartSize, 1)), new FakeHubFile(SecondPart, FakeHubServices.RandomBytes(PartSize, 2))],
    };

    [Fact]
    public async Task A_split_model_downloads_every_part_and_completes_with_the_first_parts_path()
    {
        await using var fixture = await FakeHubFixture.StartAsync(SplitRepo());
        var download = fixture.Services().GetRequiredService<DownloadManager>().StartModel(Repo, SecondPart);

        var path = await download.WaitAsync().WaitAsync(Eventually.Patience);

        Assert.Equal([FirstPart, SecondPart], download.Parts.Select(p => p.Key.FileName));
        Assert.Equal(Path.Combine(fixture.ModelsDirectory, "acme", "split-GGUF", FirstPart), path);
        Assert.Equal(2L * PartSize, download.TotalBytes);
        Assert.Equal(download.TotalBytes, download.BytesDone);
    }

    [Fact]
    public async Task Pausing_a_model_pauses_every_part_and_resuming_finishes_them_all()
    {
        await using var fixture = await FakeHubFixture.StartAsync(SplitRepo());
        fixture.Hub.Faults.BandwidthBytesPerSecond = 200_000;
        var download = fixture.Services().GetRequiredService<DownloadManager>().StartModel(Repo, FirstPart);
        await Eventually.TrueAsync(() => download.BytesDone > 0);

        download.Pause();
        await Eventually.TrueAsync(() => download.Parts.All(p => p.State == DownloadState.Paused));
        fixture.Hub.Faults.BandwidthBytesPerSecond = null;
        download.Resume();
        await download.WaitAsync().WaitAsync(Eventually.Patience);

        Assert.All(download.Parts, p => Assert.Equal(DownloadState.Completed, p.State));
        Assert.Equal(
            fixture.Hub.Repo("acme/split-GGUF").File(SecondPart)!.Content,
            await File.ReadAllBytesAsync(Path.Combine(fixture.ModelsDirectory, "acme", "split-GGUF", SecondPart)));
    }

    [Fact]
    public async Task Cancelling_a_model_cancels_every_part_and_leaves_no_partial_file()
    {
        await using var fixture = await FakeHubFixture.StartAsync(SplitRepo());
        fixture.Hub.Faults.BandwidthBytesPerSecond = 100_000;
        var download = fixture.Services().GetRequiredService<DownloadManager>().StartModel(Repo, FirstPart);
        await Eventually.TrueAsync(() => download.BytesDone > 0);

        download.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download.WaitAsync().WaitAsync(Eventually.Patience));
        await Eventually.TrueAsync(() => download.Parts.All(p => p.State == DownloadState.Cancelled));
        Assert.Empty(Directory.EnumerateFiles(fixture.ModelsDirectory, "*", SearchOption.AllDirectories));
    }
}
