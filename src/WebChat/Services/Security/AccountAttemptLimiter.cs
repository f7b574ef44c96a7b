using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using WebChat.Configuration;

namespace WebChat.Services.Security;

/// <summary>
/// Rate limit per account (the e-mail as typed, case-insensitive, whether or not the account exists): a guessing
/// script that spreads over many addresses still gets WebChat:Security:AttemptsPerAccount tries per window.
/// The per-address limit is ASP.NET Core's rate limiter middleware (see SecurityExtensions).
/// </summary>
public sealed class AccountAttemptLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;

    public AccountAttemptLimiter(IOptions<SecurityOptions> options)
    {
        var security = options.Value;
        limiter = PartitionedRateLimiter.Create<string, string>(account => RateLimitPartition.GetSlidingWindowLimiter(
            account,
            _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = security.AttemptsPerAccount,
                Window = security.AttemptWindow,
                SegmentsPerWindow = 4,
                QueueLimit = 0,
            }));
    }

    /// <summary>True when one more attempt naming this account is allowed now.</summary>
    public bool TryAcquire(string account)
    {
        using var lease = limiter.AttemptAcquire(Normalize(account));
        return lease.IsAcquired;
    }

    public void Dispose() => limiter.Dispose();

    private static string Normalize(string account) => account.Trim().ToUpperInvariant();
}
