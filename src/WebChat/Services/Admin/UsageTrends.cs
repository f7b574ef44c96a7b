using Microsoft.EntityFrameworkCore;
using WebChat.Data;

namespace WebChat.Services.Admin;

/// <summary>One UTC day of usage for the charts: requests, tokens and time to first token (p50, p95; null without a first token).</summary>
public sealed record DailyUsage(DateOnly Day, int Requests, long PromptTokens, long CompletionTokens, double? P50TimeToFirstTokenMs, double? P95TimeToFirstTokenMs);

/// <summary>Usage per day over a period; sums run in SQLite, the percentiles over each day's first-token times here.</summary>
public sealed class UsageTrends(IDbContextFactory<WebChatDbContext> dbFactory, TimeProvider time)
{
    public async Task<IReadOnlyList<DailyUsage>> ReadAsync(UsagePeriod period, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var records = db.UsageRecords.AsNoTracking();
        if (period.Start(time.GetUtcNow()) is { } start)
        {
            records = records.Where(r => r.CreatedAt >= start);
        }

        var sums = await records.GroupBy(r => r.CreatedAt.Date)
            .Select(g => new { Day = g.Key, Requests = g.Count(), Prompt = g.Sum(r => (long)r.PromptTokens), Completion = g.Sum(r => (long)r.CompletionTokens) })
            .OrderBy(d => d.Day)
            .ToListAsync(cancellationToken);
        var firstTokens = (await records.Where(r => r.CompletionTokens > 0).Select(r => new { r.CreatedAt, r.TimeToFirstTokenMs }).ToListAsync(cancellationToken))
            .GroupBy(r => r.CreatedAt.Date)
            .ToDictionary(g => g.Key, g => g.Select(r => r.TimeToFirstTokenMs).Order().ToList());

        return [.. sums.Select(d =>
        {
            var times = firstTokens.GetValueOrDefault(d.Day);
            return new DailyUsage(DateOnly.FromDateTime(d.Day), d.Requests, d.Prompt, d.Completion, NearestRank(times, 0.50), NearestRank(times, 0.95));
        })];
    }

    /// <summary>Nearest-rank percentile, as the Usage page's p95 is computed.</summary>
    internal static double? NearestRank(IReadOnlyList<double>? sorted, double percentile) =>
        sorted is null || sorted.Count == 0 ? null : sorted[(int)Math.Ceiling(percentile * sorted.Count) - 1];
}
