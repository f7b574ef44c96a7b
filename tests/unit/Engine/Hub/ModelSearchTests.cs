using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Catalog;
using WebChat.Engine.Gguf;
using WebChat.Engine.Hub;
using WebChat.Engine.Inference;
using WebChat.Tests.Support.FakeHub;
using WebChat.Tests.Support.Models;

namespace WebChat.Tests.Unit.Engine.Hub;

public class ModelSearchTests
{
    private const long Plenty = 64L * 1024 * 1024 * 1024;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    private static async Task<FakeHubRepo[]> CatalogueAsync()
    {
        var f32 = await File.ReadAllBytesAsync(TestModels.Tiny);
        var q8 = await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q8_0));
        var q4 = await File.ReadAllBytesAsync(TestModels.TinyOfType(GgmlType.Q4_0));
        var tiny = new FakeHubGguf(ModelDescriptors.FromHeader(await GgufReader.ReadFileAsync(TestModels.Tiny)).ParameterCount, "llama", 512);
        return
        [
            new FakeHubRepo
            {
                Id = "bartowski/llama-chat-GGUF", Tags = ["gguf", "conversational"], Gguf = tiny, Downloads = 5000, Likes = 50, TrendingScore = 3,
                LastModified = Now.AddDays(-10), Files = [new("llama-chat-F32.gguf", f32), new("llama-chat-Q8_0.gguf", q8), new("llama-chat-Q4_0.gguf", q4)],
            },
            new FakeHubRepo
            {
                Id = "acme/coder-GGUF", Tags = ["gguf", "code"], Gguf = tiny, License = "mit", Downloads = 100, Likes = 200, TrendingScore = 9,
                LastModified = Now.AddDays(-800), Files = [new("coder-Q8_0.gguf", q8)],
            },
            new FakeHubRepo
            {
                Id = "other/embed-GGUF", Tags = ["gguf"], PipelineTag = "feature-extraction", Gguf = tiny with { Architecture = "bert" }, License = "mit",
                Gated = "auto", Downloads = 300, Likes = 5, TrendingScore = 1, LastModified = Now.AddDays(-5), Files = [new("embed-Q8_0.gguf", q8)],
            },
            new FakeHubRepo
            {
                Id = "acme/big-GGUF", Tags = ["gguf"], Gguf = new FakeHubGguf(70_000_000_000, "llama", 8192), Downloads = 10000, Likes = 1,
                LastModified = Now.AddDays(-100), Files = [new("big-Q4_K_M.gguf", FakeHubServices.RandomBytes(300_000, 7))],
            },
        ];
    }

    private static async Task<(FakeHubFixture Fixture, ModelSearch Search)> StartAsync(long availableRam = Plenty)
    {
        var fixture = await FakeHubFixture.StartAsync(await CatalogueAsync());
        var services = fixture.Services(replace: s => s.AddSingleton<IMachineMemoryReader>(new FixedMemory(availableRam)));
        return (fixture, services.GetRequiredService<ModelSearch>());
    }

    public static TheoryData<string, ModelQuery, string[]> Filters => new()
    {
        { "text", new ModelQuery { Text = "coder" }, ["acme/coder-GGUF"] },
        { "author", new ModelQuery { Author = "other" }, ["other/embed-GGUF"] },
        { "architecture", new ModelQuery { Architecture = "bert" }, ["other/embed-GGUF"] },
        { "size class", new ModelQuery { SizeClass = SizeClass.XLarge }, ["acme/big-GGUF"] },
        { "parameter range", new ModelQuery { MaxParameters = 1_000_000_000 }, ["bartowski/llama-chat-GGUF", "other/embed-GGUF", "acme/coder-GGUF"] },
        { "quantization", new ModelQuery { Quantization = "Q4_0" }, ["bartowski/llama-chat-GGUF"] },
        { "max file size", new ModelQuery { MaxFileSizeBytes = 200_000 }, ["bartowski/llama-chat-GGUF"] },
        { "min context", new ModelQuery { MinContextLength = 4096 }, ["acme/big-GGUF"] },
        { "licence", new ModelQuery { License = "mit" }, ["other/embed-GGUF", "acme/coder-GGUF"] },
        { "task code", new ModelQuery { Task = ModelTask.Code }, ["acme/coder-GGUF"] },
        { "task chat", new ModelQuery { Task = ModelTask.Chat }, ["bartowski/llama-chat-GGUF"] },
        { "task embedding", new ModelQuery { Task = ModelTask.Embedding }, ["other/embed-GGUF"] },
        { "updated since", new ModelQuery { UpdatedSince = Now.AddDays(-50) }, ["bartowski/llama-chat-GGUF", "other/embed-GGUF"] },
        { "min downloads", new ModelQuery { MinDownloads = 1000 }, ["acme/big-GGUF", "bartowski/llama-chat-GGUF"] },
        { "hide gated", new ModelQuery { HideGated = true }, ["acme/big-GGUF", "bartowski/llama-chat-GGUF", "acme/coder-GGUF"] },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Each_filter_keeps_exactly_the_matching_models(string category, ModelQuery query, string[] expected)
    {
        var (fixture, search) = await StartAsync();
        await using var _ = fixture;

        var results = await search.SearchAsync(query);

        Assert.True(expected.SequenceEqual(results.Select(r => r.Id)), $"{category}: got {string.Join(", ", results.Select(r => r.Id))}");
    }

    [Fact]
    public async Task Each_file_carries_its_quantization_size_and_an_estimate_from_the_real_header()
    {
        var (fixture, search) = await StartAsync();
        await using var _ = fixture;

        var result = Assert.Single(await search.SearchAsync(new ModelQuery { Author = "bartowski" }));

        Assert.Equal(["Q4_0", "Q8_0", "F32"], result.Files.Select(f => f.Quantization));
        Assert.Equal(fixture.Hub.Repo("bartowski/llama-chat-GGUF").Files.Select(f => f.Size).Order(), result.Files.Select(f => f.SizeBytes));
        Assert.All(result.Files, f => Assert.True(f.ExactEstimate && f.Estimate.KvCacheBytes > 0 && f.Estimate.WeightBytes < f.SizeBytes));
        Assert.Equal("llama", result.Descriptor!.Architecture);
        Assert.True(result.Files[0].Estimate.TotalBytes < result.Files[2].Estimate.TotalBytes);
        // Estimated as the engine loads a model by default, so Discover and the Library agree on what fits.
        Assert.All(result.Files, f => Assert.Equal(ModelLoadOptions.DefaultParallelSequences, f.Estimate.ParallelSequences));
    }

    [Fact]
    public async Task The_recommended_file_is_the_best_quality_that_fits_and_fits_this_machine_drops_models_that_do_not()
    {
        long ram;
        {
            var (probe, probeSearch) = await StartAsync();
            await using var _ = probe;
            var files = (await probeSearch.SearchAsync(new ModelQuery { Author = "bartowski" }))[0].Files;
            Assert.Equal("F32", (await probeSearch.SearchAsync(new ModelQuery { Author = "bartowski" }))[0].Recommended!.Quantization);
            ram = (files.Single(f => f.Quantization == "Q8_0").Estimate.TotalBytes + files.Single(f => f.Quantization == "F32").Estimate.TotalBytes) / 2;
        }

        var (fixture, search) = await StartAsync(ram);
        await using var __ = fixture;
        var result = Assert.Single(await search.SearchAsync(new ModelQuery { Author = "bartowski", FitsThisMachine = true }));
        Assert.Equal("Q8_0", result.Recommended!.Quantization);
        Assert.False(result.Files.Single(f => f.Quantization == "F32").Fit.Fits);

        var (tight, tightSearch) = await StartAsync(availableRam: 1024 * 1024);
        await using var ___ = tight;
        Assert.Empty(await tightSearch.SearchAsync(new ModelQuery { FitsThisMachine = true }));
    }

    [Theory]
    [InlineData(ModelSort.Downloads, new[] { "acme/big-GGUF", "bartowski/llama-chat-GGUF", "other/embed-GGUF", "acme/coder-GGUF" })]
    [InlineData(ModelSort.Likes, new[] { "acme/coder-GGUF", "bartowski/llama-chat-GGUF", "other/embed-GGUF", "acme/big-GGUF" })]
    [InlineData(ModelSort.Trending, new[] { "acme/coder-GGUF", "bartowski/llama-chat-GGUF", "other/embed-GGUF", "acme/big-GGUF" })]
    [InlineData(ModelSort.Updated, new[] { "other/embed-GGUF", "bartowski/llama-chat-GGUF", "acme/big-GGUF", "acme/coder-GGUF" })]
    public async Task Results_come_in_the_order_of_the_chosen_sort(ModelSort sort, string[] expected)
    {
        var (fixture, search) = await StartAsync();
        await using var _ = fixture;

        Assert.Equal(expected, (await search.SearchAsync(new ModelQuery { Sort = sort })).Select(r => r.Id));
    }

    [Fact]
    public async Task Sorting_by_quality_puts_the_highest_score_first()
    {
        var (fixture, search) = await StartAsync();
        await using var _ = fixture;

        var results = await search.SearchAsync(new ModelQuery { Sort = ModelSort.Quality });

        Assert.Equal(results.Select(r => r.QualityScore).OrderDescending(), results.Select(r => r.QualityScore));
        Assert.Equal("bartowski/llama-chat-GGUF", results[0].Id);
    }

    [Fact]
    public async Task A_second_search_reuses_the_headers_it_has_read_and_retries_only_the_unreadable_one()
    {
        var (fixture, search) = await StartAsync();
        await using var _ = fixture;
        await search.SearchAsync(new ModelQuery());
        var secondStarted = DateTimeOffset.UtcNow;

        var again = await search.SearchAsync(new ModelQuery());

        Assert.Equal(4, again.Count);
        var cdnAgain = fixture.Hub.Log.Requests.Where(r => r.Route == FakeHubRoute.Cdn && r.ReceivedAt >= secondStarted).Select(r => r.PathAndQuery).ToList();
        Assert.All(cdnAgain, path => Assert.Contains("big-Q4_K_M.gguf", path, StringComparison.Ordinal));
        Assert.Contains(fixture.Hub.Log.Requests, r => r.Route == FakeHubRoute.Cdn && r.PathAndQuery.Contains("llama-chat", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_whose_header_cannot_be_read_is_estimated_from_its_size()
    {
        var (fixture, search) = await StartAsync();
        await using var _ = fixture;

        var big = Assert.Single(await search.SearchAsync(new ModelQuery { SizeClass = SizeClass.XLarge }));

        Assert.False(big.Files[0].ExactEstimate);
        Assert.True(big.Files[0].Estimate.TotalBytes > 300_000);
        Assert.Equal(70_000_000_000, big.ParameterCount);
    }

    private sealed class FixedMemory(long availableRam) : IMachineMemoryReader
    {
        public MachineMemory Read() => new(availableRam, availableRam, []);
    }
}
