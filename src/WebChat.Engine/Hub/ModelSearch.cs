using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using WebChat.Engine.Catalog;
using WebChat.Engine.Downloads;

namespace WebChat.Engine.Hub;

/// <summary>Searches the Hub for GGUF models with a <see cref="ModelQuery"/>: the Hub filters what it can, each candidate is then
/// enriched (file sizes, one GGUF header over byte ranges, memory estimates, fit) and filtered on the rest.</summary>
public sealed partial class ModelSearch(HubClient hub, GgufHeaderPeek headerPeek, IMachineMemoryReader machineMemory, TimeProvider timeProvider, ILogger<ModelSearch> logger)
{
    private const int ParallelEnrichment = 4;

    // A commit's files never change, so a header read once per (repo, commit) serves every later search (headers can be MBs).
    private readonly ConcurrentDictionary<string, ModelDescriptor?> _shapes = new(StringComparer.Ordinal);

    public async Task<IReadOnlyList<ModelSearchResult>> SearchAsync(ModelQuery query, CancellationToken cancellationToken = default)
    {
        var machine = machineMemory.Read();
        var results = new List<ModelSearchResult>();
        var batch = new List<HubModelInfo>();
        var scanLimit = Math.Max(50, query.Limit * 5);
        await foreach (var model in hub.SearchAsync(ModelQueryTranslation.ToHubRequest(query), scanLimit, cancellationToken))
        {
            if (!ModelQueryTranslation.MatchesSummary(model, query))
            {
                continue;
            }

            batch.Add(model);
            if (batch.Count == ParallelEnrichment)
            {
                results.AddRange(await EnrichBatchAsync(batch, query, machine, cancellationToken));
                batch.Clear();
                if (results.Count >= query.Limit)
                {
                    break;
                }
            }
        }

        results.AddRange(await EnrichBatchAsync(batch, query, machine, cancellationToken));
        var ordered = query.Sort == ModelSort.Quality ? results.OrderByDescending(r => r.QualityScore) : results.AsEnumerable();
        return ordered.Take(query.Limit).ToList();
    }

    private async Task<IEnumerable<ModelSearchResult>> EnrichBatchAsync(List<HubModelInfo> batch, ModelQuery query, MachineMemory machine, CancellationToken cancellationToken)
    {
        var enriched = await Task.WhenAll(batch.Select(model => EnrichAsync(model, query, machine, cancellationToken)));
        return enriched.OfType<ModelSearchResult>();
    }

    /// <summary>Adds files, estimates and the score to one candidate; null when it fails a filter or cannot be described.</summary>
    private async Task<ModelSearchResult?> EnrichAsync(HubModelInfo summary, ModelQuery query, MachineMemory machine, CancellationToken cancellationToken)
    {
        if (!RepoId.TryParse(summary.Id, out var repo))
        {
            return null;
        }

        HubModelInfo info;
        try
        {
            info = await hub.GetModelInfoAsync(repo, cancellationToken: cancellationToken);
        }
        catch (HubException error) when (error is not HubOfflineException and not HubRateLimitedException)
        {
            LogSkipped(logger, summary.Id, error.Message);
            return null;
        }

        var files = ModelFileOptions.Group(info.Siblings ?? []);
        var shape = query.ReadHeaders ? await ReadShapeAsync(repo, info, files, cancellationToken) : null;
        if (!MatchesShape(shape, query))
        {
            return null;
        }

        var options = files.Select(f => ModelFileOptions.Estimate(f, shape, query.EstimateContextLength, query.EstimateParallelSequences, machine))
            .Where(f => query.Quantization is null || string.Equals(f.Quantization, query.Quantization, StringComparison.OrdinalIgnoreCase))
            .Where(f => query.MaxFileSizeBytes is null || f.SizeBytes <= query.MaxFileSizeBytes)
            .ToList();
        var recommended = ModelFileOptions.Recommend(options);
        if (options.Count == 0 || (query.FitsThisMachine && recommended is null))
        {
            return null;
        }

        var merged = info with { Gguf = info.Gguf ?? summary.Gguf, TrendingScore = summary.TrendingScore ?? info.TrendingScore };
        return new ModelSearchResult
        {
            Model = merged,
            Descriptor = shape,
            Files = options,
            Recommended = recommended,
            QualityScore = ModelQualityScore.Compute(merged, files.Select(f => f.Quantization).Distinct().Count(), timeProvider.GetUtcNow()),
        };
    }

    /// <summary>Reads the header of the smallest unsplit file: every quantization of a repository shares the same shape.</summary>
    private async Task<ModelDescriptor?> ReadShapeAsync(
        RepoId repo, HubModelInfo info, IReadOnlyList<(string FileName, IReadOnlyList<string> Parts, string Quantization, long Size)> files, CancellationToken cancellationToken)
    {
        var smallest = files.FirstOrDefault(f => f.Parts.Count == 1);
        if (smallest.FileName is null)
        {
            return null;
        }

        var cacheKey = $"{repo}@{info.Sha}/{smallest.FileName}";
        if (info.Sha is not null && _shapes.TryGetValue(cacheKey, out var known))
        {
            return known;
        }

        try
        {
            var header = await headerPeek.ReadAsync(repo, info.Sha ?? "main", smallest.FileName, cancellationToken);
            var shape = ModelDescriptors.FromHeader(header, smallest.Size);
            if (info.Sha is not null)
            {
                _shapes[cacheKey] = shape;
            }

            return shape;
        }
        catch (Exception error) when (error is HubException or FormatException)
        {
            LogNoHeader(logger, repo.ToString(), error.Message);
            return null;
        }
    }

    private static bool MatchesShape(ModelDescriptor? shape, ModelQuery query)
    {
        if (shape is null)
        {
            return true;
        }

        var (min, max) = ModelQueryTranslation.ParameterRange(query);
        return (query.Architecture is null || string.Equals(shape.Architecture, query.Architecture, StringComparison.OrdinalIgnoreCase))
            && (min is null || shape.ParameterCount >= min)
            && (max is null || shape.ParameterCount <= max)
            && (query.MinContextLength is null || shape.ContextLength >= query.MinContextLength);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search skipped {Repo}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string repo, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "No GGUF header for {Repo}, estimating from file sizes: {Reason}")]
    private static partial void LogNoHeader(ILogger logger, string repo, string reason);
}
