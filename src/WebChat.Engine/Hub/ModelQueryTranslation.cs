using WebChat.Engine.Catalog;

namespace WebChat.Engine.Hub;

/// <summary>Splits a <see cref="ModelQuery"/> into what the Hub's search can do and what is checked here on each result.</summary>
public static class ModelQueryTranslation
{
    /// <summary>The Hub request: text, author, parameter range (from the range or size class), licence tag, task pipeline, sort.</summary>
    public static HubSearchRequest ToHubRequest(ModelQuery query)
    {
        var (min, max) = ParameterRange(query);
        var tags = new List<string>();
        if (query.License is { Length: > 0 } license)
        {
            tags.Add($"license:{license.ToLowerInvariant()}");
        }

        return new HubSearchRequest
        {
            Search = query.Text,
            Author = query.Author,
            Tags = tags,
            PipelineTag = query.Task switch
            {
                ModelTask.Vision => "image-text-to-text",
                ModelTask.Embedding => "feature-extraction",
                _ => null,
            },
            MinParameters = min,
            MaxParameters = max,
            Sort = query.Sort switch
            {
                ModelSort.Likes => HubSort.Likes,
                ModelSort.Trending => HubSort.Trending,
                ModelSort.Updated => HubSort.Updated,
                _ => HubSort.Downloads,
            },
            PageSize = Math.Clamp(query.Limit * 2, 10, 100),
        };
    }

    /// <summary>The parameter range from MinParameters/MaxParameters narrowed by the size class.</summary>
    public static (long? Min, long? Max) ParameterRange(ModelQuery query)
    {
        var (classMin, classMax) = query.SizeClass switch
        {
            SizeClass.Tiny => ((long?)null, (long?)99_999_999),
            SizeClass.Small => (100_000_000L, 999_999_999L),
            SizeClass.Medium => (1_000_000_000L, 6_999_999_999L),
            SizeClass.Large => (7_000_000_000L, 13_499_999_999L),
            SizeClass.XLarge => (13_500_000_000L, (long?)null),
            _ => ((long?)null, (long?)null),
        };
        return (Max(query.MinParameters, classMin), Min(query.MaxParameters, classMax));
    }

    /// <summary>The filters a search result can be checked against before any extra request: true when it may match.</summary>
    public static bool MatchesSummary(HubModelInfo model, ModelQuery query)
    {
        var (min, max) = ParameterRange(query);
        var parameters = model.Gguf?.TotalParameters;
        return (query.Architecture is null || string.Equals(model.Gguf?.Architecture, query.Architecture, StringComparison.OrdinalIgnoreCase))
            && (min is null || parameters is null || parameters >= min)
            && (max is null || parameters is null || parameters <= max)
            && (query.MinContextLength is null || model.Gguf?.ContextLength is null || model.Gguf.ContextLength >= query.MinContextLength)
            && (query.License is null || string.Equals(model.License, query.License, StringComparison.OrdinalIgnoreCase))
            && (query.Task is null || ModelTasks.Matches(model, query.Task.Value))
            && (query.UpdatedSince is null || model.LastModified >= query.UpdatedSince)
            && (query.MinDownloads is null || (model.Downloads ?? 0) >= query.MinDownloads)
            && !(query.HideGated && model.IsGated);
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);
}
