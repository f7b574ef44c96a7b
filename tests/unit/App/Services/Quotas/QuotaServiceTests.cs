using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Services.Quotas;

namespace WebChat.Tests.Unit.App.Services.Quotas;

public sealed class QuotaServiceTests
{
    private static readonly DateTimeOffset Noon = DateTimeOffset.Parse("2026-11-20T12:00:00Z", CultureInfo.InvariantCulture);
    private readonly FakeTimeProvider time = new(Noon);

    [Fact]
    public async Task The_minute_window_slides_and_retry_after_says_when_the_oldest_request_leaves_it()
    {
        await using var app = await AppServicesHost.StartAsync();
        var (quotas, user) = await ArrangeAsync(app, requestsPerMinute: 2);

        (await quotas.AcquireAsync(user)).Dispose();
        time.Advance(TimeSpan.FromSeconds(20));
        (await quotas.AcquireAsync(user)).Dispose();
        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => quotas.AcquireAsync(user));

        Assert.Equal(TimeSpan.FromSeconds(40), refused.RetryAfter);
        time.Advance(TimeSpan.FromSeconds(40));
        (await quotas.AcquireAsync(user)).Dispose();
    }

    [Fact]
    public async Task Requests_at_once_are_counted_until_their_lease_is_released_once()
    {
        await using var app = await AppServicesHost.StartAsync();
        var (quotas, user) = await ArrangeAsync(app, concurrentRequests: 2);

        var first = await quotas.AcquireAsync(user);
        using var second = await quotas.AcquireAsync(user);
        await Assert.ThrowsAsync<QuotaExceededException>(() => quotas.AcquireAsync(user));
        first.Dispose();
        first.Dispose(); // a second release must not free a slot that is in use

        using var third = await quotas.AcquireAsync(user);
        Assert.Equal(2, (await quotas.GetStandingAsync(user)).Running);
        await Assert.ThrowsAsync<QuotaExceededException>(() => quotas.AcquireAsync(user));
    }

    [Fact]
    public async Task Parallel_requests_reserve_their_answer_tokens_so_together_they_cannot_pass_the_daily_limit()
    {
        await using var app = await AppServicesHost.StartAsync();
        var (quotas, user) = await ArrangeAsync(app, tokensPerDay: 100);
        await SeedAsync(app, user, Noon.AddHours(-1), 99); // one token left

        // Six requests of 32,768 tokens at once: the first gets the one token left, the others nothing.
        var first = await quotas.AcquireAsync(user, reserveTokens: 32_768);
        var others = new List<Exception>();
        for (var i = 0; i < 5; i++)
        {
            others.Add(await Assert.ThrowsAsync<QuotaExceededException>(() => quotas.AcquireAsync(user, reserveTokens: 32_768)));
        }

        Assert.Equal(1, first.ReservedTokens);
        Assert.Equal(5, others.Count);
        first.Dispose();
        // Released (the usage record settles it): the token is free again.
        using var again = await quotas.AcquireAsync(user, reserveTokens: 10);
        Assert.Equal(1, again.ReservedTokens);
    }

    [Fact]
    public async Task Without_a_token_limit_nothing_is_reserved_and_the_request_keeps_its_own_cap()
    {
        await using var app = await AppServicesHost.StartAsync();
        var (quotas, user) = await ArrangeAsync(app, requestsPerMinute: 10);

        using var lease = await quotas.AcquireAsync(user, reserveTokens: 500);

        Assert.Null(lease.ReservedTokens);
    }

    [Fact]
    public async Task The_daily_token_limit_counts_todays_records_and_resets_at_midnight_utc()
    {
        await using var app = await AppServicesHost.StartAsync();
        var (quotas, user) = await ArrangeAsync(app, tokensPerDay: 100);
        await SeedAsync(app, user, Noon.AddDays(-1), 500); // yesterday: does not count
        await SeedAsync(app, user, Noon.AddHours(-1), 80);
        (await quotas.AcquireAsync(user)).Dispose();
        var standing = await quotas.GetStandingAsync(user);
        Assert.Equal((80L, 20L, true), (standing.TokensToday, standing.TokensLeft!.Value, standing.IsNearLimit));

        await SeedAsync(app, user, Noon, 20);
        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => quotas.AcquireAsync(user));

        Assert.Equal(TimeSpan.FromHours(12), refused.RetryAfter);
        time.Advance(TimeSpan.FromHours(12));
        (await quotas.AcquireAsync(user)).Dispose();
    }

    [Fact]
    public async Task No_limits_let_everything_through_and_nonsense_limits_are_refused()
    {
        await using var app = await AppServicesHost.StartAsync();
        var (quotas, user) = await ArrangeAsync(app);

        for (var i = 0; i < 50; i++)
        {
            (await quotas.AcquireAsync(user)).Dispose();
        }

        await Assert.ThrowsAsync<QuotaSettingException>(() => quotas.SetAsync(Actors.Admin, user, 0, null, null));
        Assert.False((await quotas.GetStandingAsync(user)).IsNearLimit);
    }

    [Fact]
    public async Task A_non_admin_cannot_change_limits_and_the_stored_limits_stay_while_an_admin_can()
    {
        await using var app = await AppServicesHost.StartAsync();
        var (quotas, user) = await ArrangeAsync(app, requestsPerMinute: 5);

        var refused = await Assert.ThrowsAsync<AdminAccessDeniedException>(() => quotas.SetAsync(Actors.User, user, null, null, null));

        Assert.Equal(AdminPermissions.AdminOnlyReason, refused.Message);
        Assert.Equal(5, (await quotas.GetAsync(user))?.RequestsPerMinute);
        await quotas.SetAsync(Actors.Admin, user, 7, null, null);
        Assert.Equal(7, (await quotas.GetAsync(user))?.RequestsPerMinute);
    }

    private async Task<(QuotaService Quotas, string User)> ArrangeAsync(
        AppServicesHost app, int? requestsPerMinute = null, long? tokensPerDay = null, int? concurrentRequests = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync("q@example.test", "Passw0rd!")).User!.Id;
        var quotas = new QuotaService(app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>(), time);
        await quotas.SetAsync(Actors.Admin, user, requestsPerMinute, tokensPerDay, concurrentRequests);
        return (quotas, user);
    }

    private static async Task SeedAsync(AppServicesHost app, string user, DateTimeOffset at, int tokens)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        db.UsageRecords.Add(new UsageRecord { UserId = user, Model = "m", PromptTokens = tokens / 2, CompletionTokens = tokens - tokens / 2, FinishReason = "Stop", CreatedAt = at.UtcDateTime });
        await db.SaveChangesAsync();
    }
}
