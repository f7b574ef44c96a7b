using WebChat.Engine.Catalog;
using WebChat.Engine.Hub;

namespace WebChat.Tests.Unit.Engine.Hub;

public sealed class ModelQueryTranslationTests
{
    public static TheoryData<SizeClass, long?, long?> SizeClassRanges => new()
    {
        { SizeClass.Tiny, null, 99_999_999 },
        { SizeClass.Small, 100_000_000, 999_999_999 },
        { SizeClass.Medium, 1_000_000_000, 6_999_999_999 },
        { SizeClass.Large, 7_000_000_000, 13_499_999_999 },
        { SizeClass.XLarge, 13_500_000_000, null },
    };

    [Theory]
    [MemberData(nameof(SizeClassRanges))]
    public void Each_size_class_asks_the_hub_for_its_parameter_range(SizeClass sizeClass, long? min, long? max)
    {
        Assert.Equal((min, max), ModelQueryTranslation.ParameterRange(new ModelQuery { SizeClass = sizeClass }));
    }

    [Fact]
    public void Explicit_bounds_narrow_a_size_class_but_never_widen_it()
    {
        var narrowed = ModelQueryTranslation.ParameterRange(new ModelQuery { SizeClass = SizeClass.Small, MinParameters = 300_000_000, MaxParameters = 5_000_000_000 });

        Assert.Equal((300_000_000L, 999_999_999L), narrowed);
    }

    [Fact]
    public void The_parameter_range_is_written_as_the_hub_reads_model_cards()
    {
        var uri = Uri.UnescapeDataString(ModelQueryTranslation.ToHubRequest(new ModelQuery { MinParameters = 500_000, MaxParameters = 1_500_000_000 }).ToRelativeUri());

        Assert.Contains("num_parameters=min:500000,max:1.5B", uri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ModelTask.Vision, "pipeline_tag=image-text-to-text")]
    [InlineData(ModelTask.Embedding, "pipeline_tag=feature-extraction")]
    public void A_task_the_hub_knows_as_a_pipeline_becomes_its_pipeline_tag(ModelTask task, string expected)
    {
        Assert.Contains(expected, ModelQueryTranslation.ToHubRequest(new ModelQuery { Task = task }).ToRelativeUri(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HubSort.Created, "createdAt")]
    [InlineData(HubSort.Updated, "lastModified")]
    [InlineData(HubSort.Trending, "trendingScore")]
    public void Sorts_use_the_hubs_field_names(HubSort sort, string field)
    {
        Assert.Equal(field, HubSearchRequest.SortField(sort));
    }
}
