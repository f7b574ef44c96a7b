using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using WebChat.Configuration;

namespace WebChat.Services.Security;

/// <summary>
/// Identity locks real accounts after WebChat:Security:MaxFailedSignIns wrong passwords. Unknown e-mails are locked
/// here the same way, in memory, so "locked" never tells a guesser that an account exists.
/// </summary>
public sealed class UnknownAccountLockout(IOptions<SecurityOptions> options, TimeProvider time)
{
    private const int MaxTracked = 10_000;
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset LastFailure)> failures = new();

    public bool IsLocked(string email) =>
        failures.TryGetValue(Normalize(email), out var entry)
        && entry.Failures >= options.Value.MaxFailedSignIns
        && time.GetUtcNow() - entry.LastFailure < options.Value.LockoutDuration;

    /// <summary>Counts a failure; returns true when it locks the e-mail.</summary>
    public bool RecordFailure(string email)
    {
        if (failures.Count >= MaxTracked)
        {
            ForgetExpired();
        }

        var now = time.GetUtcNow();
        var entry = failures.AddOrUpdate(
            Normalize(email),
            _ => (1, now),
            (_, old) => (now - old.LastFailure >= options.Value.LockoutDuration ? 1 : old.Failures + 1, now));
        return entry.Failures >= options.Value.MaxFailedSignIns;
    }

    private void ForgetExpired()
    {
        var now = time.GetUtcNow();
        foreach (var (key, entry) in failures)
        {
            if (now - entry.LastFailure >= options.Value.LockoutDuration)
            {
                failures.TryRemove(key, out _);
            }
        }
    }

    private static string Normalize(string email) => email.Trim().ToUpperInvariant();
}
