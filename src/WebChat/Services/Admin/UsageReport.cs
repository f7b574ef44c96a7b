namespace WebChat.Services.Admin;

/// <summary>Usage over one period: totals, one row per user, model, source (chat page, API) and API key, and requests per day (UTC).</summary>
public sealed record UsageReport(
    UsagePeriod Period,
    UsageTotals Totals,
    IReadOnlyList<UsageRow> PerUser,
    IReadOnlyList<UsageRow> PerModel,
    IReadOnlyList<DailyRequests> PerDay,
    IReadOnlyList<UsageRow> PerSource,
    IReadOnlyList<UsageRow> PerKey);

/// <summary>Sums and speeds over every generation of a period; times in milliseconds, null when nothing was measured.</summary>
public sealed record UsageTotals(
    int Requests,
    long PromptTokens,
    long ReusedPromptTokens,
    long CompletionTokens,
    double? AverageTimeToFirstTokenMs,
    double? P95TimeToFirstTokenMs,
    double? TokensPerSecond,
    int Failed,
    int Cancelled)
{
    public static UsageTotals None { get; } = new(0, 0, 0, 0, null, null, null, 0, 0);

    /// <summary>Share of prompt tokens served from the KV cache (0-100), null without prompt tokens.</summary>
    public double? ReusePercent => PromptTokens > 0 ? 100.0 * ReusedPromptTokens / PromptTokens : null;
}

/// <summary>One user's or one model's share of a period.</summary>
public sealed record UsageRow(
    string Key,
    string Label,
    int Requests,
    long PromptTokens,
    long ReusedPromptTokens,
    long CompletionTokens,
    double? AverageTimeToFirstTokenMs,
    double? TokensPerSecond);

/// <summary>How many generations started on one UTC day.</summary>
public sealed record DailyRequests(DateOnly Day, int Requests);
