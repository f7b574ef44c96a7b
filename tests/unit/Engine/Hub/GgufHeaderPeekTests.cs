using WebChat.Engine.Gguf;
using WebChat.Engine.Hub;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.Engine.Hub;

public class GgufHeaderPeekTests
{
    private static readonly RepoId Repo = RepoId.Parse("acme/tiny-GGUF");

    private static async Task<FakeHubFixture> HubWithTinyModelAsync() => await FakeHubFixture.StartAsync(new FakeHubRepo
    {
        Id = "acme/tiny-GGUF",
        Files = [new FakeHubFile("tiny.F32.gguf", await File.ReadAllBytesAsync(TestModels.Tiny))],
    });

    [Fact]
    public async Task The_header_read_over_ranges_equals_the_header_read_from_disk()
    {
        await using var fixture = await HubWithTinyModelAsync();
        var peek = new GgufHeaderPeek(fixture.Client()) { FirstReadBytes = 1024 };

        var remote = await peek.ReadAsync(Repo, "main", "tiny.F32.gguf");

        var local = await GgufReader.ReadFileAsync(TestModels.Tiny);
        Assert.Equal((local.Architecture, local.Tensors.Count, local.HeaderLength), (remote.Architecture, remote.Tensors.Count, remote.HeaderLength));
        Assert.Equal(local.Metadata.Select(m => m.Key), remote.Metadata.Select(m => m.Key));
    }

    [Fact]
    public async Task A_small_first_read_grows_without_fetching_any_byte_twice_or_the_tensor_data()
    {
        await using var fixture = await HubWithTinyModelAsync();
        var peek = new GgufHeaderPeek(fixture.Client()) { FirstReadBytes = 1024 };

        var header = await peek.ReadAsync(Repo, "main", "tiny.F32.gguf");

        var ranges = fixture.Hub.Log.ServedRanges.OrderBy(r => r.Start).ToList();
        Assert.True(ranges.Count > 1, "one read was enough, so growth was not exercised");
        Assert.All(ranges.Zip(ranges.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
        Assert.True(ranges[^1].End < fixture.Hub.Repo("acme/tiny-GGUF").Files[0].Size);
        Assert.True(ranges[^1].End >= header.HeaderLength);
    }

    [Fact]
    public async Task A_header_beyond_the_cap_is_a_typed_error()
    {
        await using var fixture = await HubWithTinyModelAsync();
        var peek = new GgufHeaderPeek(fixture.Client()) { FirstReadBytes = 512, MaxBytes = 2048 };

        await Assert.ThrowsAsync<HubBadResponseException>(() => peek.ReadAsync(Repo, "main", "tiny.F32.gguf"));
    }

    [Fact]
    public async Task Bytes_that_are_not_a_gguf_raise_the_format_error()
    {
        await using var fixture = await FakeHubFixture.StartAsync(FakeHubServices.RepoWithRandomFile("acme/tiny-GGUF", "noise.gguf", 10_000));

        await Assert.ThrowsAsync<GgufFormatException>(() => new GgufHeaderPeek(fixture.Client()).ReadAsync(Repo, "main", "noise.gguf"));
    }
}
