using System.Globalization;
using System.Net.Http.Headers;

namespace WebChat.Engine.Hub;

/// <summary>Reads how long a 429 asks us to wait: the RateLimit header's t= (or reset=), else Retry-After.</summary>
public static class RateLimitHeaders
{
    public static TimeSpan? AdvertisedWait(HttpResponseMessage response, DateTimeOffset now)
    {
        if (response.Headers.TryGetValues("RateLimit", out var values))
        {
            foreach (var value in values)
            {
                if (ParseRateLimit(value) is { } wait)
                {
                    return wait;
                }
            }
        }

        return ParseRetryAfter(response.Headers.RetryAfter, now);
    }

    /// <summary>Parses `"api";r=0;t=55` (IETF draft 8+) or `limit=10, remaining=0, reset=55` (older drafts).</summary>
    public static TimeSpan? ParseRateLimit(string value)
    {
        foreach (var part in value.Split([';', ','], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var pair = part.Split('=', 2, StringSplitOptions.TrimEntries);
            if (pair.Length == 2 && pair[0] is "t" or "reset"
                && double.TryParse(pair[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return null;
    }

    private static TimeSpan? ParseRetryAfter(RetryConditionHeaderValue? retryAfter, DateTimeOffset now) => retryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };
}
