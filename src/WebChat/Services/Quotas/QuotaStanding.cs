namespace WebChat.Services.Quotas;

/// <summary>A user's limits and what is used of them now; a null limit means none.</summary>
public sealed record QuotaStanding(
    int? RequestsPerMinute, int RequestsLastMinute,
    long? TokensPerDay, long TokensToday,
    int? ConcurrentRequests, int Running)
{
    /// <summary>Tokens left today, or null without a daily limit.</summary>
    public long? TokensLeft => TokensPerDay is { } limit ? Math.Max(0, limit - TokensToday) : null;

    public int? RequestsLeftThisMinute => RequestsPerMinute is { } limit ? Math.Max(0, limit - RequestsLastMinute) : null;

    /// <summary>At least 80% of a limit is used: the chat shows what is left.</summary>
    public bool IsNearLimit =>
        TokensPerDay is { } tokens && TokensToday >= tokens * 0.8
        || RequestsPerMinute is { } requests && RequestsLastMinute >= requests * 0.8;
}
