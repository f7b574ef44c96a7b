namespace WebChat.Services.Admin;

/// <summary>The windows the Usage page offers, each ending now.</summary>
public enum UsagePeriod
{
    Last24Hours,
    Last7Days,
    Last30Days,
    All,
}

internal static class UsagePeriods
{
    /// <summary>The first instant inside the period, or null for all time.</summary>
    public static DateTime? Start(this UsagePeriod period, DateTimeOffset now) => period switch
    {
        UsagePeriod.Last24Hours => (now - TimeSpan.FromHours(24)).UtcDateTime,
        UsagePeriod.Last7Days => (now - TimeSpan.FromDays(7)).UtcDateTime,
        UsagePeriod.Last30Days => (now - TimeSpan.FromDays(30)).UtcDateTime,
        _ => null,
    };
}
