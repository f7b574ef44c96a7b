using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Services.Nodes;

namespace WebChat.Services.Quotas;

/// <summary>
/// The per-user limits an admin sets (requests per minute, tokens per UTC day, requests at once), enforced in
/// one place for the chat page and the API. Tokens come from the usage records (prompt plus completion of finished
/// requests) plus the answer tokens that running requests reserved at admission: a request may write at most what was
/// left when it was admitted, so parallel requests cannot together pass the limit (only the prompt of the last admitted
/// one can, as it is counted when it is known). The minute window, the running count and the reservations live in
/// memory, so a restart forgets them. With several nodes "requests at once" and "requests per minute" also hold across
/// them, through node locks: each running request holds one of the user's numbered running places, and each admission
/// holds one of the user's numbered minute places for a minute. A dead node's places go with it (its requests are
/// forgotten a little early, never counted forever). The token reservations of running requests stay per node; the tokens
/// used are read from the shared usage records.
/// </summary>
public sealed class QuotaService(IDbContextFactory<WebChatDbContext> dbFactory, TimeProvider time, INodeLocks? nodeLocks = null)
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ConcurrencyRetry = TimeSpan.FromSeconds(1);

    // One entry per user who asked since the start; each guarded by its own lock.
    private readonly Dictionary<string, UserWindow> _windows = [];
    private readonly Lock _windowsGate = new();

    // With several nodes: the timers that give each admission's minute place back.
    private readonly HashSet<ITimer> _minuteTimers = [];

    /// <summary>
    /// Counts a request against the user's limits, or throws QuotaExceededException; dispose the lease once its usage
    /// record is written. Under a daily token limit the request reserves up to <paramref name="reserveTokens"/> answer
    /// tokens of what is left (the lease says how many: the request must not write more).
    /// </summary>
    public Task<QuotaLease> AcquireAsync(string userId, CancellationToken cancellationToken = default) =>
        AcquireAsync(userId, reserveTokens: null, cancellationToken);

    /// <inheritdoc cref="AcquireAsync(string, CancellationToken)"/>
    public async Task<QuotaLease> AcquireAsync(string userId, long? reserveTokens, CancellationToken cancellationToken = default)
    {
        var quota = await GetAsync(userId, cancellationToken);
        var now = time.GetUtcNow();
        var used = quota?.TokensPerDay is null ? 0 : await TokensTodayAsync(userId, now, cancellationToken);
        // Taken first and given back at once if this request is refused after all: a refused request counts nowhere.
        var minutePlace = quota?.RequestsPerMinute is { } perMinute && nodeLocks is { IsShared: true }
            ? await TakeMinutePlaceAsync(userId, perMinute, now, cancellationToken)
            : null;
        QuotaLease lease;
        try
        {
            lease = Admit(userId, quota, used, reserveTokens, now);
            if (quota?.ConcurrentRequests is { } limit && nodeLocks is { IsShared: true })
            {
                try
                {
                    lease.Place = await TakeRunningPlaceAsync(userId, limit, cancellationToken);
                }
                catch
                {
                    lease.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            if (minutePlace is not null)
            {
                await minutePlace.ReleaseAsync();
            }

            throw;
        }

        if (minutePlace is not null)
        {
            KeepForAMinute(minutePlace);
        }

        return lease;
    }

    // The user's admissions of the last minute on every node: one free place of the per-minute limit, or the refusal.
    private async Task<NodeLockLease> TakeMinutePlaceAsync(string userId, int perMinute, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await nodeLocks!.TryTakeOneAsync(place => NodeLockNames.MinutePlace(userId, place), perMinute, cancellationToken) is { } taken)
        {
            return taken; // given back by a timer a minute from now, not when the request ends
        }

        // When the places this node holds free up is known here; those of other nodes are not: a short wait then.
        var window = WindowOf(userId);
        TimeSpan retry;
        lock (window)
        {
            window.Prune(now);
            retry = window.Started.Count > 0 ? window.Started.Peek() + Minute - now : TimeSpan.FromSeconds(5);
        }

        throw new QuotaExceededException($"You have sent {perMinute} requests in the last minute, your limit. Try again shortly.", retry);
    }

    // Gives the minute place back one minute after its admission. The timer is kept until it fired (an unreferenced
    // timer may be collected before).
    private void KeepForAMinute(NodeLockLease place)
    {
        ITimer? timer = null;
        lock (_minuteTimers)
        {
            timer = time.CreateTimer(_ =>
            {
                lock (_minuteTimers)
                {
                    _minuteTimers.Remove(timer!);
                }

                timer?.Dispose();
                _ = place.ReleaseAsync(); // never throws: a failure is logged, a lost connection freed it already
            }, null, Minute, Timeout.InfiniteTimeSpan);
            _minuteTimers.Add(timer);
        }
    }

    // The requests of this user on the other nodes: one free place of the user's limit, or the same refusal as here.
    private async Task<NodeLockLease> TakeRunningPlaceAsync(string userId, int limit, CancellationToken cancellationToken) =>
        await nodeLocks!.TryTakeOneAsync(place => NodeLockNames.RunningPlace(userId, place), limit, cancellationToken)
            ?? throw new QuotaExceededException(
                $"You already have {limit} answer(s) being written, your limit. Wait for one to finish.", ConcurrencyRetry);

    private QuotaLease Admit(string userId, UserQuota? quota, long used, long? reserveTokens, DateTimeOffset now)
    {
        var window = WindowOf(userId);
        lock (window)
        {
            window.Prune(now);
            long? reserved = null;
            if (quota?.TokensPerDay is { } tokenLimit)
            {
                var left = tokenLimit - used - window.ReservedTokens;
                if (left <= 0)
                {
                    var midnight = new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
                    throw new QuotaExceededException(used >= tokenLimit
                        ? $"You have used your {tokenLimit:N0} tokens for today. The limit resets at 00:00 UTC."
                        : $"Your answers being written have reserved the rest of your {tokenLimit:N0} tokens for today. Wait for one to finish.",
                        used >= tokenLimit ? midnight - now : ConcurrencyRetry);
                }

                reserved = Math.Min(left, Math.Max(reserveTokens ?? 0, 0));
            }

            if (quota?.RequestsPerMinute is { } perMinute && window.Started.Count >= perMinute)
            {
                throw new QuotaExceededException(
                    $"You have sent {perMinute} requests in the last minute, your limit. Try again shortly.", window.Started.Peek() + Minute - now);
            }

            if (quota?.ConcurrentRequests is { } concurrent && window.Running >= concurrent)
            {
                throw new QuotaExceededException(
                    $"You already have {concurrent} answer(s) being written, your limit. Wait for one to finish.", ConcurrencyRetry);
            }

            window.Started.Enqueue(now);
            window.Running++;
            window.ReservedTokens += reserved ?? 0;
            return new QuotaLease(window, reserved);
        }
    }

    public async Task<QuotaStanding> GetStandingAsync(string userId, CancellationToken cancellationToken = default)
    {
        var quota = await GetAsync(userId, cancellationToken);
        var now = time.GetUtcNow();
        var tokens = await TokensTodayAsync(userId, now, cancellationToken);
        var window = WindowOf(userId);
        lock (window)
        {
            window.Prune(now);
            return new QuotaStanding(quota?.RequestsPerMinute, window.Started.Count, quota?.TokensPerDay, tokens, quota?.ConcurrentRequests, window.Running);
        }
    }

    public async Task<UserQuota?> GetAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.UserQuotas.AsNoTracking().SingleOrDefaultAsync(q => q.UserId == userId, cancellationToken);
    }

    /// <summary>Every user's limits, keyed by user id, for the admin page.</summary>
    public async Task<Dictionary<string, UserQuota>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.UserQuotas.AsNoTracking().ToDictionaryAsync(q => q.UserId, cancellationToken);
    }

    /// <summary>Sets a user's limits; all null removes them. Admins only: throws <see cref="AdminAccessDeniedException"/> otherwise.</summary>
    public async Task SetAsync(
        ClaimsPrincipal actor, string userId, int? requestsPerMinute, long? tokensPerDay, int? concurrentRequests, CancellationToken cancellationToken = default)
    {
        AdminPermissions.EnsureAdmin(actor);
        if (requestsPerMinute is < 1 || tokensPerDay is < 1 || concurrentRequests is < 1)
        {
            throw new QuotaSettingException("A limit is empty (none) or at least 1.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var quota = await db.UserQuotas.SingleOrDefaultAsync(q => q.UserId == userId, cancellationToken);
        if (requestsPerMinute is null && tokensPerDay is null && concurrentRequests is null)
        {
            if (quota is not null)
            {
                db.UserQuotas.Remove(quota);
            }
        }
        else
        {
            quota ??= db.UserQuotas.Add(new UserQuota { UserId = userId }).Entity;
            (quota.RequestsPerMinute, quota.TokensPerDay, quota.ConcurrentRequests) = (requestsPerMinute, tokensPerDay, concurrentRequests);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<long> TokensTodayAsync(string userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var midnight = now.UtcDateTime.Date;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.UsageRecords.Where(r => r.UserId == userId && r.CreatedAt >= midnight)
            .SumAsync(r => (long)r.PromptTokens + r.CompletionTokens, cancellationToken);
    }

    private UserWindow WindowOf(string userId)
    {
        lock (_windowsGate)
        {
            if (!_windows.TryGetValue(userId, out var window))
            {
                _windows[userId] = window = new UserWindow();
            }

            return window;
        }
    }

    internal sealed class UserWindow
    {
        public Queue<DateTimeOffset> Started { get; } = new();
        public int Running { get; set; }

        /// <summary>Answer tokens that running requests may still write; released when their usage record is written.</summary>
        public long ReservedTokens { get; set; }

        public void Prune(DateTimeOffset now)
        {
            while (Started.Count > 0 && Started.Peek() <= now - Minute)
            {
                Started.Dequeue();
            }
        }
    }

}

/// <summary>A request's place in its user's limits; disposing it (once the usage record is written) gives the place and the reservation back.</summary>
public sealed class QuotaLease : IDisposable
{
    private readonly QuotaService.UserWindow _window;
    private int _released;

    internal QuotaLease(QuotaService.UserWindow window, long? reservedTokens) => (_window, ReservedTokens) = (window, reservedTokens);

    /// <summary>The answer tokens this request may write under the daily limit; null when the user has no token limit.</summary>
    public long? ReservedTokens { get; }

    /// <summary>With several nodes and a "requests at once" limit: the user's place this request holds across nodes.</summary>
    internal NodeLockLease? Place { get; set; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            Place?.Dispose();
            lock (_window)
            {
                _window.Running--;
                _window.ReservedTokens -= ReservedTokens ?? 0;
            }
        }
    }
}

/// <summary>A limit an admin typed cannot be stored; Message is written for a person.</summary>
public sealed class QuotaSettingException(string message) : Exception(message);
