using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace WebChat.Tests.Support.FakeHub;

/// <summary>GET /api/models: search, author, filter (tags), pipeline_tag, num_parameters, sort, limit, expand[] and Link pagination.</summary>
internal static class FakeHubSearch
{
    private static readonly string[] DefaultFields = ["id", "likes", "trendingScore", "private", "downloads", "tags", "pipeline_tag", "createdAt"];

    public static IResult Search(FakeHubServer hub, HttpContext context)
    {
        var query = context.Request.Query;
        IEnumerable<FakeHubRepo> repos = hub.Repos;
        if (query["search"].FirstOrDefault() is { Length: > 0 } text)
        {
            repos = repos.Where(r => r.Id.Contains(text, StringComparison.OrdinalIgnoreCase));
        }

        if (query["author"].FirstOrDefault() is { Length: > 0 } author)
        {
            repos = repos.Where(r => string.Equals(r.Author, author, StringComparison.OrdinalIgnoreCase));
        }

        foreach (var tag in query["filter"].Where(t => !string.IsNullOrEmpty(t)))
        {
            repos = repos.Where(r => AllTags(r).Contains(tag!, StringComparer.OrdinalIgnoreCase));
        }

        if (query["pipeline_tag"].FirstOrDefault() is { Length: > 0 } pipeline)
        {
            repos = repos.Where(r => r.PipelineTag == pipeline);
        }

        if (query["num_parameters"].FirstOrDefault() is { Length: > 0 } range)
        {
            var (min, max) = ParseParameterRange(range);
            repos = repos.Where(r => r.Gguf is { } g && g.TotalParameters >= min && g.TotalParameters <= max);
        }

        var sorted = Sort(repos, query["sort"].FirstOrDefault()).ToList();
        var limit = int.TryParse(query["limit"], out var l) ? Math.Clamp(l, 1, 1000) : 50;
        var cursor = int.TryParse(query["cursor"], out var c) ? c : 0;
        var page = sorted.Skip(cursor).Take(limit).ToList();
        if (cursor + limit < sorted.Count)
        {
            context.Response.Headers.Link = $"<{NextPageUri(hub, context, cursor + limit)}>; rel=\"next\"";
        }

        var expand = query["expand[]"].Where(e => !string.IsNullOrEmpty(e)).Select(e => e!).ToList();
        var fields = expand.Count > 0 ? ["id", .. expand] : DefaultFields;
        return Results.Json(page.Select(r => Select(AllFields(r), fields)));
    }

    /// <summary>Every field the Hub can show for a model (model info adds sha and siblings with blobs).</summary>
    public static Dictionary<string, object?> AllFields(FakeHubRepo repo) => new()
    {
        ["_id"] = repo.Sha[..24],
        ["id"] = repo.Id,
        ["modelId"] = repo.Id,
        ["author"] = repo.Author,
        ["downloads"] = repo.Downloads,
        ["likes"] = repo.Likes,
        ["trendingScore"] = repo.TrendingScore,
        ["private"] = false,
        ["gated"] = repo.Gated is null ? false : repo.Gated,
        ["tags"] = AllTags(repo),
        ["pipeline_tag"] = repo.PipelineTag,
        ["library_name"] = "gguf",
        ["lastModified"] = repo.LastModified,
        ["createdAt"] = repo.CreatedAt,
        ["cardData"] = repo.License is null ? null : new { license = repo.License },
        ["gguf"] = repo.Gguf is null ? null : new { total = repo.Gguf.TotalParameters, architecture = repo.Gguf.Architecture, context_length = repo.Gguf.ContextLength },
        ["siblings"] = repo.Files.Select(f => new { rfilename = f.Path }).ToList(),
        ["usedStorage"] = repo.Files.Sum(f => f.Size),
    };

    private static IReadOnlyList<string> AllTags(FakeHubRepo repo) => repo.License is null ? repo.Tags : [.. repo.Tags, $"license:{repo.License}"];

    private static Dictionary<string, object?> Select(Dictionary<string, object?> all, IEnumerable<string> fields) =>
        fields.Where(all.ContainsKey).Distinct().ToDictionary(f => f, f => all[f]);

    private static IEnumerable<FakeHubRepo> Sort(IEnumerable<FakeHubRepo> repos, string? sort) => sort switch
    {
        "likes" => repos.OrderByDescending(r => r.Likes),
        "trendingScore" => repos.OrderByDescending(r => r.TrendingScore),
        "lastModified" => repos.OrderByDescending(r => r.LastModified),
        "createdAt" => repos.OrderByDescending(r => r.CreatedAt),
        _ => repos.OrderByDescending(r => r.Downloads),
    };

    private static string NextPageUri(FakeHubServer hub, HttpContext context, int cursor)
    {
        var builder = new QueryBuilder(context.Request.Query.Where(q => q.Key != "cursor").SelectMany(q => q.Value.Select(v => KeyValuePair.Create(q.Key, v ?? ""))))
        {
            { "cursor", cursor.ToString(CultureInfo.InvariantCulture) },
        };
        return new Uri(hub.BaseAddress, "api/models" + builder.ToQueryString()).ToString();
    }

    /// <summary>Parses "min:1B,max:8B" (K, M, B, T suffixes) into a parameter range.</summary>
    internal static (long Min, long Max) ParseParameterRange(string value)
    {
        long min = 0, max = long.MaxValue;
        foreach (var part in value.Split(','))
        {
            var pair = part.Split(':', 2);
            if (pair.Length == 2 && ParseCount(pair[1]) is { } count)
            {
                if (pair[0] == "min") min = count;
                if (pair[0] == "max") max = count;
            }
        }

        return (min, max);
    }

    private static long? ParseCount(string text)
    {
        var multiplier = char.ToUpperInvariant(text[^1]) switch { 'K' => 1e3, 'M' => 1e6, 'B' => 1e9, 'T' => 1e12, _ => 1 };
        var digits = multiplier == 1 ? text : text[..^1];
        return double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? (long)(n * multiplier) : null;
    }
}
