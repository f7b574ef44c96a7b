using System.Text.Json;
using WebChat.Engine.Hub;

namespace WebChat.Tests.Unit.Engine.Hub;

public class ModelQualityScoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_popular_liked_fresh_model_from_a_known_publisher_with_many_quantizations_scores_100()
    {
        var model = new HubModelInfo { Id = "bartowski/x", Author = "bartowski", Downloads = 1_000_000, Likes = 1000, LastModified = Now };

        Assert.Equal(100, ModelQualityScore.Compute(model, distinctQuantizations: 6, Now));
    }

    [Fact]
    public void An_unknown_year_old_model_without_downloads_scores_only_its_recency()
    {
        var model = new HubModelInfo { Id = "nobody/x", Author = "nobody", Downloads = 0, Likes = 0, LastModified = Now.AddDays(-360) };

        Assert.Equal(Math.Round(100 * 0.20 * Math.Exp(-2), 1), ModelQualityScore.Compute(model, distinctQuantizations: 0, Now));
    }

    [Fact]
    public void The_search_request_carries_text_author_parameter_range_licence_and_sort_to_the_hub()
    {
        var request = ModelQueryTranslation.ToHubRequest(new ModelQuery
        {
            Text = "qwen", Author = "Qwen", SizeClass = WebChat.Engine.Catalog.SizeClass.Medium, MaxParameters = 4_000_000_000, License = "Apache-2.0", Sort = ModelSort.Likes,
        });

        var uri = Uri.UnescapeDataString(request.ToRelativeUri());
        Assert.Contains("search=qwen", uri, StringComparison.Ordinal);
        Assert.Contains("author=Qwen", uri, StringComparison.Ordinal);
        Assert.Contains("num_parameters=min:1B,max:4B", uri, StringComparison.Ordinal);
        Assert.Contains("filter=license:apache-2.0", uri, StringComparison.Ordinal);
        Assert.Contains("sort=likes", uri, StringComparison.Ordinal);
        Assert.Contains("expand[]=gguf", uri, StringComparison.Ordinal);
    }

    [Fact]
    public void Gated_is_read_from_false_auto_and_manual()
    {
        HubModelInfo Parse(string gated) => JsonSerializer.Deserialize<HubModelInfo>($$"""{"id":"a/b","gated":{{gated}}}""")!;

        Assert.Equal([false, true, true], [Parse("false").IsGated, Parse("\"auto\"").IsGated, Parse("\"manual\"").IsGated]);
    }
}
