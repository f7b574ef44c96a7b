using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Services.Admin;
using WebChat.Tests.Unit.App.Data;

namespace WebChat.Tests.Unit.App.Services.Admin;

public sealed class UsageStatisticsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T12:00:00Z", CultureInfo.InvariantCulture);
    private readonly FakeTimeProvider time = new(Now);

    [Theory]
    [BothProviders]
    public async Task The_last_24_hours_sum_tokens_and_speeds_of_both_users_and_count_the_failure(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        var (alice, bob) = await SeedTwoUsersAsync(app);

        var report = await Statistics(app).ReadAsync(UsagePeriod.Last24Hours);

        var t = report.Totals;
        Assert.Equal((3, 350L, 190L, 32L), (t.Requests, t.PromptTokens, t.ReusedPromptTokens, t.CompletionTokens));
        Assert.Equal(100.0 * 190 / 350, t.ReusePercent!.Value, precision: 6);
        // The failed request produced no token, so it counts in neither time to first token nor speed.
        Assert.Equal(200, t.AverageTimeToFirstTokenMs);
        Assert.Equal(300, t.P95TimeToFirstTokenMs);
        Assert.Equal(10, t.TokensPerSecond!.Value, precision: 6);
        Assert.Equal((1, 0), (t.Failed, t.Cancelled));
        Assert.Equal(
            [(alice, "alice@example.test", 2, 150L, 40L, 32L), (bob, "bob@example.test", 1, 200L, 150L, 0L)],
            report.PerUser.Select(u => (u.Key, u.Label, u.Requests, u.PromptTokens, u.ReusedPromptTokens, u.CompletionTokens)));
        Assert.Null(report.PerUser[1].AverageTimeToFirstTokenMs);
        Assert.Equal([("model-a", 2), ("model-b", 1)], report.PerModel.Select(m => (m.Label, m.Requests)));
    }

    [Theory]
    [BothProviders]
    public async Task A_longer_period_takes_in_older_records_and_all_takes_in_everything(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await SeedTwoUsersAsync(app);
        var statistics = Statistics(app);

        var week = await statistics.ReadAsync(UsagePeriod.Last7Days);
        var month = await statistics.ReadAsync(UsagePeriod.Last30Days);
        var all = await statistics.ReadAsync(UsagePeriod.All);

        Assert.Equal((4, 1), (week.Totals.Requests, week.Totals.Cancelled));
        // Three first tokens (100, 200, 300 ms): nearest-rank p95 is the third.
        Assert.Equal((200.0, 300.0), (week.Totals.AverageTimeToFirstTokenMs!.Value, week.Totals.P95TimeToFirstTokenMs!.Value));
        Assert.Equal(4, month.Totals.Requests);
        Assert.Equal(5, all.Totals.Requests);
        Assert.Equal([("model-b", 3), ("model-a", 2)], all.PerModel.Select(m => (m.Label, m.Requests)));
        Assert.Equal(
            [(new DateOnly(2026, 10, 11), 1), (new DateOnly(2026, 11, 17), 1), (new DateOnly(2026, 11, 20), 3)],
            all.PerDay.Select(d => (d.Day, d.Requests)));
    }

    [Theory]
    [InlineData(20, 19)]
    [InlineData(21, 20)]
    [InlineData(1, 1)]
    public async Task P95_is_the_nearest_rank_of_the_times_to_first_token(int records, double expected)
    {
        await using var app = await AppServicesHost.StartAsync();
        // Inserted in reverse so that the database, not insertion order, does the ranking.
        await SeedAsync(app, Enumerable.Range(1, records).Reverse()
            .Select(ms => Record("someone", "m", Now.AddMinutes(-ms), ttftMs: ms, completion: 5, durationMs: ms + 100)).ToArray());

        var report = await Statistics(app).ReadAsync(UsagePeriod.All);

        Assert.Equal(expected, report.Totals.P95TimeToFirstTokenMs);
    }

    [Theory]
    [BothProviders]
    public async Task No_records_give_zero_totals_and_no_invented_times(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);

        var report = await Statistics(app).ReadAsync(UsagePeriod.All);

        Assert.Equal(UsageTotals.None, report.Totals);
        Assert.Null(report.Totals.ReusePercent);
        Assert.Empty(report.PerUser);
        Assert.Empty(report.PerDay);
    }

    [Theory]
    [BothProviders]
    public async Task Usage_of_a_deleted_account_stays_listed_under_its_id(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        await SeedAsync(app, Record("3f2a9c1e-gone", "m", Now.AddHours(-1)));

        var report = await Statistics(app).ReadAsync(UsagePeriod.All);

        var row = Assert.Single(report.PerUser);
        Assert.Equal("deleted user 3f2a9c1e", row.Label);
    }

    [Theory]
    [BothProviders]
    public async Task Chat_and_api_usage_show_side_by_side_and_api_usage_per_key_with_its_name_owner_and_revocation(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        var alice = await RegisterAsync(app, "alice@example.test");
        var laptop = new ApiKey { UserId = alice, Name = "laptop", Prefix = "wc-aaaaaaa", SecretHash = new string('a', 64) };
        var ci = new ApiKey { UserId = alice, Name = "ci", Prefix = "wc-bbbbbbb", SecretHash = new string('b', 64), RevokedAt = Now.UtcDateTime };
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
        {
            db.ApiKeys.AddRange(laptop, ci);
            await db.SaveChangesAsync();
        }

        await SeedAsync(
            app,
            Record(alice, "m", Now.AddHours(-1), prompt: 10, completion: 5),
            Record(alice, "m", Now.AddHours(-1), prompt: 20, completion: 6, source: UsageSource.Api, key: laptop.Id),
            Record(alice, "m", Now.AddHours(-1), prompt: 30, completion: 7, source: UsageSource.Api, key: laptop.Id),
            Record(alice, "m", Now.AddHours(-1), prompt: 40, completion: 8, source: UsageSource.Api, key: ci.Id));

        var report = await Statistics(app).ReadAsync(UsagePeriod.All);

        Assert.Equal([("API", 3, 90L, 21L), ("Chat page", 1, 10L, 5L)],
            report.PerSource.Select(r => (r.Label, r.Requests, r.PromptTokens, r.CompletionTokens)));
        Assert.Equal([("laptop (alice@example.test)", 2, 50L), ("ci (alice@example.test), revoked", 1, 40L)],
            report.PerKey.Select(r => (r.Label, r.Requests, r.PromptTokens)));
    }

    private UsageStatistics Statistics(AppServicesHost app) =>
        new(app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>(), time);

    /// <summary>Three records in the last day, one three days ago, one forty days ago; two users, two models.</summary>
    private static async Task<(string Alice, string Bob)> SeedTwoUsersAsync(AppServicesHost app)
    {
        var alice = await RegisterAsync(app, "alice@example.test");
        var bob = await RegisterAsync(app, "bob@example.test");
        await SeedAsync(
            app,
            Record(alice, "model-a", Now.AddHours(-1), prompt: 100, reused: 40, completion: 11, ttftMs: 100, durationMs: 1100),
            Record(alice, "model-a", Now.AddHours(-2), prompt: 50, completion: 21, ttftMs: 300, durationMs: 2300),
            Record(bob, "model-b", Now.AddHours(-3), prompt: 200, reused: 150, durationMs: 50, reason: "Error"),
            Record(bob, "model-b", Now.AddDays(-3), prompt: 80, completion: 1, ttftMs: 200, durationMs: 250, reason: "Cancelled"),
            Record(alice, "model-b", Now.AddDays(-40), prompt: 10, completion: 5, ttftMs: 1000, durationMs: 2000));
        return (alice, bob);
    }

    private static UsageRecord Record(
        string userId, string model, DateTimeOffset at, int prompt = 10, int reused = 0, int completion = 0, double ttftMs = 0, double durationMs = 0, string reason = "Stop",
        UsageSource source = UsageSource.Chat, Guid? key = null) => new()
    {
        UserId = userId,
        Model = model,
        PromptTokens = prompt,
        ReusedPromptTokens = reused,
        CompletionTokens = completion,
        TimeToFirstTokenMs = ttftMs,
        DurationMs = durationMs,
        FinishReason = reason,
        CreatedAt = at.UtcDateTime,
        Source = source,
        ApiKeyId = key,
    };

    private static async Task SeedAsync(AppServicesHost app, params UsageRecord[] records)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        db.UsageRecords.AddRange(records);
        await db.SaveChangesAsync();
    }

    private static async Task<string> RegisterAsync(AppServicesHost app, string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync(email, "Passw0rd!");
        return result.User!.Id;
    }
}
