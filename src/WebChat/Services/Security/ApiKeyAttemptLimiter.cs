using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using WebChat.Configuration;

namespace WebChat.Services.Security;

/// <summary>
/// Failed API key checks per client address (WebChat:Security:ApiKeyFailuresPerAddress per AttemptWindow). Keys have
/// their own throttle because a sign-in lockout no longer stops them: an address that sent too many unknown keys gets
/// 429 for every key until the window moves on, so guessing keys is as slow as guessing passwords.
/// </summary>
public sealed class ApiKeyAttemptLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> failures;

    public ApiKeyAttemptLimiter(IOptions<SecurityOptions> options)
    {
        var security = options.Value;
        failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetSlidingWindowLimiter(
            address,
            _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = security.ApiKeyFailuresPerAddress,
                Window = security.AttemptWindow,
                SegmentsPerWindow = 4,
                QueueLimit = 0,
            }));
    }

    /// <summary>True when the address has used up its failures for now; its requests are refused before any lookup.</summary>
    public bool IsBlocked(string address) => failures.GetStatistics(address)?.CurrentAvailablePermits is 0;

    /// <summary>Counts one failed key check against the address.</summary>
    public void RecordFailure(string address)
    {
        using var _ = failures.AttemptAcquire(address);
    }

    public void Dispose() => failures.Dispose();
}
