using System.Globalization;
using System.Text;

namespace WebChat.Engine.Hub;

/// <summary>The sorts the Hub's search endpoint understands.</summary>
public enum HubSort
{
    Downloads,
    Likes,
    Trending,
    Updated,
    Created,
}

/// <summary>What /api/models can filter on the server side; everything else is filtered on our side.</summary>
public sealed record HubSearchRequest
{
    public string? Search { get; init; }
    public string? Author { get; init; }

    /// <summary>Tags that must all be present (the Hub's filter=); "gguf" is always added.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    public string? PipelineTag { get; init; }
    public long? MinParameters { get; init; }
    public long? MaxParameters { get; init; }
    public HubSort Sort { get; init; } = HubSort.Downloads;

    /// <summary>Results per page (the Hub caps it at 1000).</summary>
    public int PageSize { get; init; } = 50;

    /// <summary>The path and query, relative to the Hub's endpoint, of the first page.</summary>
    public string ToRelativeUri()
    {
        var query = new StringBuilder("api/models?filter=gguf");
        Append(query, "search", Search);
        Append(query, "author", Author);
        foreach (var tag in Tags.Where(t => !string.Equals(t, "gguf", StringComparison.OrdinalIgnoreCase)))
        {
            Append(query, "filter", tag);
        }

        Append(query, "pipeline_tag", PipelineTag);
        if (MinParameters is not null || MaxParameters is not null)
        {
            var range = string.Join(',', new[] { Bound("min", MinParameters), Bound("max", MaxParameters) }.Where(b => b is not null));
            Append(query, "num_parameters", range);
        }

        Append(query, "sort", SortField(Sort));
        Append(query, "direction", "-1");
        Append(query, "limit", PageSize.ToString(CultureInfo.InvariantCulture));
        foreach (var field in new[] { "gguf", "downloads", "likes", "trendingScore", "lastModified", "createdAt", "tags", "pipeline_tag", "gated", "cardData", "siblings" })
        {
            Append(query, "expand[]", field);
        }

        return query.ToString();
    }

    public static string SortField(HubSort sort) => sort switch
    {
        HubSort.Likes => "likes",
        HubSort.Trending => "trendingScore",
        HubSort.Updated => "lastModified",
        HubSort.Created => "createdAt",
        _ => "downloads",
    };

    // The Hub reads counts the way model cards write them: "min:500M,max:8B".
    private static string? Bound(string name, long? value) => value switch
    {
        null => null,
        >= 1_000_000_000 => $"{name}:{(value.Value / 1e9).ToString("0.###", CultureInfo.InvariantCulture)}B",
        >= 1_000_000 => $"{name}:{(value.Value / 1e6).ToString("0.###", CultureInfo.InvariantCulture)}M",
        _ => $"{name}:{value.Value.ToString(CultureInfo.InvariantCulture)}",
    };

    private static void Append(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            query.Append('&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }
    }
}
