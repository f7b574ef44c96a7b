using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Admin;

/// <summary>
/// Aggregates the UsageRecords table for the Usage page. Sums, counts and the p95 rank run in SQLite;
/// only the divisions of those sums happen here.
/// </summary>
public sealed class UsageStatistics(IDbContextFactory<WebChatDbContext> dbFactory, TimeProvider time)
{
    private const string AllRecords = "all";
    private const string ChatSource = "Chat page";
    private const string ApiSource = "API";

    public async Task<UsageReport> ReadAsync(UsagePeriod period, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var records = InPeriod(db, period);

        var totals = await records.GroupBy(r => AllRecords).Select(Aggregate).SingleOrDefaultAsync(cancellationToken);
        var perUser = await records.GroupBy(r => r.UserId).Select(Aggregate).ToListAsync(cancellationToken);
        var perModel = await records.GroupBy(r => r.Model).Select(Aggregate).ToListAsync(cancellationToken);
        var perSource = await records.GroupBy(r => r.Source == UsageSource.Api ? ApiSource : ChatSource).Select(Aggregate).ToListAsync(cancellationToken);
        var perDay = await records.GroupBy(r => r.CreatedAt.Date)
            .Select(g => new { Day = g.Key, Requests = g.Count() })
            .OrderBy(d => d.Day)
            .ToListAsync(cancellationToken);
        var emails = await UserLabelsAsync(db, perUser.Select(u => u.Key).ToList(), cancellationToken);

        return new UsageReport(
            period,
            totals is null ? UsageTotals.None : ToTotals(totals, await P95TimeToFirstTokenAsync(records, totals.FirstTokens, cancellationToken)),
            Rows(perUser, key => emails.GetValueOrDefault(key) ?? $"deleted user {key[..Math.Min(8, key.Length)]}"),
            Rows(perModel, key => key),
            perDay.Select(d => new DailyRequests(DateOnly.FromDateTime(d.Day), d.Requests)).ToList(),
            Rows(perSource, key => key),
            await PerKeyAsync(db, records, cancellationToken));
    }

    // API requests per key, labelled with the key's name and owner; a revoked key keeps its row and says so.
    private static async Task<List<UsageRow>> PerKeyAsync(WebChatDbContext db, IQueryable<UsageRecord> records, CancellationToken cancellationToken)
    {
        var groups = await records.Where(r => r.ApiKeyId != null)
            .GroupBy(r => r.ApiKeyId)
            .Select(g => new
            {
                g.Key,
                Requests = g.Count(),
                PromptTokens = g.Sum(r => (long)r.PromptTokens),
                ReusedPromptTokens = g.Sum(r => (long)r.ReusedPromptTokens),
                CompletionTokens = g.Sum(r => (long)r.CompletionTokens),
                FirstTokens = g.Count(r => r.CompletionTokens > 0),
                FirstTokenMs = g.Sum(r => r.CompletionTokens > 0 ? r.TimeToFirstTokenMs : 0),
            })
            .ToListAsync(cancellationToken);
        var ids = groups.Select(g => g.Key!.Value).ToList();
        var labels = await (
                from key in db.ApiKeys.AsNoTracking()
                where ids.Contains(key.Id)
                join user in db.Users.AsNoTracking() on key.UserId equals user.Id into owners
                from owner in owners.DefaultIfEmpty()
                select new { key.Id, key.Name, key.RevokedAt, Owner = owner == null ? null : owner.Email })
            .ToDictionaryAsync(k => k.Id, cancellationToken);
        return groups.Select(g =>
            {
                var label = labels.TryGetValue(g.Key!.Value, out var k)
                    ? $"{k.Name} ({k.Owner ?? "deleted user"}){(k.RevokedAt is null ? "" : ", revoked")}"
                    : "deleted key";
                return new UsageRow(g.Key.Value.ToString(), label, g.Requests, g.PromptTokens, g.ReusedPromptTokens, g.CompletionTokens,
                    g.FirstTokens > 0 ? g.FirstTokenMs / g.FirstTokens : null, null);
            })
            .OrderByDescending(r => r.Requests)
            .ThenBy(r => r.Label, StringComparer.Ordinal)
            .ToList();
    }

    private IQueryable<UsageRecord> InPeriod(WebChatDbContext db, UsagePeriod period)
    {
        var records = db.UsageRecords.AsNoTracking();
        return period.Start(time.GetUtcNow()) is { } start ? records.Where(r => r.CreatedAt >= start) : records;
    }

    /// <summary>Nearest-rank p95 of the time to first token, over the generations that produced a token.</summary>
    private static async Task<double?> P95TimeToFirstTokenAsync(IQueryable<UsageRecord> records, int measured, CancellationToken cancellationToken)
    {
        if (measured == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(0.95 * measured);
        return await records.Where(r => r.CompletionTokens > 0)
            .OrderBy(r => r.TimeToFirstTokenMs)
            .Skip(rank - 1)
            .Select(r => r.TimeToFirstTokenMs)
            .FirstAsync(cancellationToken);
    }

    private static async Task<Dictionary<string, string>> UserLabelsAsync(WebChatDbContext db, List<string> userIds, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking()
            .Where(u => userIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.Email ?? u.UserName ?? u.Id, cancellationToken);

    // Decoding speed as the engine measures it: tokens after the first over the time after the first.
    private static readonly Expression<Func<IGrouping<string, UsageRecord>, Aggregates>> Aggregate = g => new Aggregates
    {
        Key = g.Key,
        Requests = g.Count(),
        PromptTokens = g.Sum(r => (long)r.PromptTokens),
        ReusedPromptTokens = g.Sum(r => (long)r.ReusedPromptTokens),
        CompletionTokens = g.Sum(r => (long)r.CompletionTokens),
        FirstTokens = g.Count(r => r.CompletionTokens > 0),
        FirstTokenMs = g.Sum(r => r.CompletionTokens > 0 ? r.TimeToFirstTokenMs : 0),
        DecodedTokens = g.Sum(r => r.CompletionTokens > 1 && r.DurationMs > r.TimeToFirstTokenMs ? (long)r.CompletionTokens - 1 : 0),
        DecodingMs = g.Sum(r => r.CompletionTokens > 1 && r.DurationMs > r.TimeToFirstTokenMs ? r.DurationMs - r.TimeToFirstTokenMs : 0),
        Failed = g.Count(r => r.FinishReason == "Error"),
        Cancelled = g.Count(r => r.FinishReason == "Cancelled"),
    };

    private static UsageTotals ToTotals(Aggregates a, double? p95) => new(
        a.Requests, a.PromptTokens, a.ReusedPromptTokens, a.CompletionTokens, a.AverageTimeToFirstTokenMs, p95, a.TokensPerSecond, a.Failed, a.Cancelled);

    private static List<UsageRow> Rows(List<Aggregates> groups, Func<string, string> label) => groups
        .Select(a => new UsageRow(a.Key, label(a.Key), a.Requests, a.PromptTokens, a.ReusedPromptTokens, a.CompletionTokens, a.AverageTimeToFirstTokenMs, a.TokensPerSecond))
        .OrderByDescending(r => r.Requests)
        .ThenBy(r => r.Label, StringComparer.Ordinal)
        .ToList();

    private sealed class Aggregates
    {
        public required string Key { get; init; }
        public int Requests { get; init; }
        public long PromptTokens { get; init; }
        public long ReusedPromptTokens { get; init; }
        public long CompletionTokens { get; init; }
        public int FirstTokens { get; init; }
        public double FirstTokenMs { get; init; }
        public long DecodedTokens { get; init; }
        public double DecodingMs { get; init; }
        public int Failed { get; init; }
        public int Cancelled { get; init; }

        public double? AverageTimeToFirstTokenMs => FirstTokens > 0 ? FirstTokenMs / FirstTokens : null;

        public double? TokensPerSecond => DecodingMs > 0 ? DecodedTokens / (DecodingMs / 1000) : null;
    }
}
