using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using WebChat.Configuration;

namespace WebChat.Services.Security;

/// <summary>
/// The per-client-address rate limit on the account forms (sign-in, registration, password change): posts only,
/// WebChat:Security:AttemptsPerAddress per AttemptWindow; a refused post gets 429 with words and is recorded.
/// </summary>
internal static class AccountFormLimits
{
    public const string PolicyName = "account-forms";
    public const string ThrottledMessage = "Too many attempts from your address. Wait a minute and try again.";

    public static void Configure(RateLimiterOptions limiter, SecurityOptions security)
    {
        // Partitions are cached by key: the unlimited GET partition needs a key no address can have.
        limiter.AddPolicy(PolicyName, context => HttpMethods.IsPost(context.Request.Method)
            ? RateLimitPartition.GetSlidingWindowLimiter(
                "post " + context.Connection.RemoteIpAddress,
                _ => new SlidingWindowRateLimiterOptions
                {
                    PermitLimit = security.AttemptsPerAddress,
                    Window = security.AttemptWindow,
                    SegmentsPerWindow = 4,
                    QueueLimit = 0,
                })
            : RateLimitPartition.GetNoLimiter("read"));
        limiter.OnRejected = OnRejectedAsync;
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        var address = http.Connection.RemoteIpAddress?.ToString() ?? "";
        await http.RequestServices.GetRequiredService<SecurityEventLog>()
            .RecordAsync(SecurityEventKinds.ThrottledAddress, http.Request.Path, address, cancellationToken);
        http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(http.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.AttemptWindow.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(ThrottledMessage, cancellationToken);
    }
}
