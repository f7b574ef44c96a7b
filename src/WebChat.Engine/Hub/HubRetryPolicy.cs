using System.Net;
using Polly;

namespace WebChat.Engine.Hub;

/// <summary>Which Hub responses are worth retrying and how long to wait before the next try.</summary>
public static class HubRetryPolicy
{
    /// <summary>Retries 408, 429 and 5xx and transport failures; a 429 that asks for a wait longer than allowed goes back to the caller.</summary>
    public static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, HubOptions options, DateTimeOffset now)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or TimeoutException;
        }

        var response = outcome.Result!;
        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => (RateLimitHeaders.AdvertisedWait(response, now) ?? TimeSpan.Zero) <= options.MaxAdvertisedWait,
            HttpStatusCode.RequestTimeout => true,
            >= HttpStatusCode.InternalServerError and not HttpStatusCode.NotImplemented and not HttpStatusCode.HttpVersionNotSupported => true,
            _ => false,
        };
    }

    /// <summary>The wait a 429 or 503 advertised (RateLimit t=, Retry-After); null lets the exponential backoff decide.</summary>
    public static TimeSpan? AdvertisedDelay(Outcome<HttpResponseMessage> outcome, DateTimeOffset now) =>
        outcome.Result is { } response ? RateLimitHeaders.AdvertisedWait(response, now) : null;
}
