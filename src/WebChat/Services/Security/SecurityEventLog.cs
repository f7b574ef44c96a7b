using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Services.Security;

/// <summary>Counts of sign-in protection events over a period, for Admin › Users.</summary>
public sealed record SecurityEventCounts(int FailedSignIns, int Lockouts, int Throttled);

/// <summary>Writes lockouts, throttled attempts and failed sign-ins to the log and the database, and counts them.</summary>
public sealed class SecurityEventLog(IDbContextFactory<WebChatDbContext> dbFactory, TimeProvider time, ILogger<SecurityEventLog> logger)
{
    /// <summary>Events older than this are dropped, so a long guessing campaign cannot grow the table without end.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    private int recorded;

    public async Task RecordAsync(string kind, string account, string clientAddress, CancellationToken cancellationToken = default)
    {
        logger.LogWarning("Sign-in protection: {Kind} for account {Account} from {ClientAddress}", kind, account, clientAddress);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.SecurityEvents.Add(new SecurityEvent
        {
            Kind = kind,
            Account = Truncate(account, 256),
            ClientAddress = Truncate(clientAddress, 64),
            At = time.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(cancellationToken);
        if (Interlocked.Increment(ref recorded) % 100 == 1)
        {
            var cutoff = time.GetUtcNow().UtcDateTime - Retention;
            await db.SecurityEvents.Where(e => e.At < cutoff).ExecuteDeleteAsync(cancellationToken);
        }
    }

    public async Task<SecurityEventCounts> CountSinceAsync(DateTime since, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.SecurityEvents.AsNoTracking().Where(e => e.At >= since)
            .GroupBy(e => e.Kind).Select(g => new { Kind = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Kind, g => g.Count, cancellationToken);
        return new SecurityEventCounts(
            counts.GetValueOrDefault(SecurityEventKinds.FailedSignIn),
            counts.GetValueOrDefault(SecurityEventKinds.Lockout),
            counts.GetValueOrDefault(SecurityEventKinds.ThrottledAddress) + counts.GetValueOrDefault(SecurityEventKinds.ThrottledAccount));
    }

    private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
