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

public sealed class UsageTrendsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T12:00:00Z", CultureInfo.InvariantCulture);

    [Theory]
    [BothProviders]
    public async Task Each_day_sums_requests_and_tokens_and_takes_nearest_rank_p50_and_p95_over_answers_with_a_token(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        var user = await RegisterAsync(app);
        var today = Enumerable.Range(1, 20).Select(i => Record(user, Now.AddMinutes(-i), completion: 5, ttftMs: i * 10)).ToList();
        today.Add(Record(user, Now.AddMinutes(-30), completion: 0, ttftMs: 99_999)); // failed: counts as a request, not in the times
        await SeedAsync(app, [.. today, Record(user, Now.AddDays(-2), completion: 3, ttftMs: 700), Record(user, Now.AddDays(-40), completion: 1, ttftMs: 1)]);

        var days = await new UsageTrends(app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>(), new FakeTimeProvider(Now)).ReadAsync(UsagePeriod.Last7Days);

        Assert.Equal(
            [(new DateOnly(2026, 11, 18), 1, 10L, 3L, 700d, 700d), (new DateOnly(2026, 11, 20), 21, 210L, 100L, 100d, 190d)],
            days.Select(d => (d.Day, d.Requests, d.PromptTokens, d.CompletionTokens, d.P50TimeToFirstTokenMs!.Value, d.P95TimeToFirstTokenMs!.Value)));
    }

    [Fact]
    public void The_nearest_rank_of_nothing_is_nothing()
    {
        Assert.Null(UsageTrends.NearestRank([], 0.5));
        Assert.Equal(3, UsageTrends.NearestRank([1, 2, 3], 0.95));
    }

    private static UsageRecord Record(string userId, DateTimeOffset at, int completion, double ttftMs) => new()
    {
        UserId = userId,
        Model = "m",
        PromptTokens = 10,
        CompletionTokens = completion,
        TimeToFirstTokenMs = ttftMs,
        DurationMs = ttftMs + 100,
        FinishReason = completion > 0 ? "Stop" : "Error",
        CreatedAt = at.UtcDateTime,
    };

    private static async Task SeedAsync(AppServicesHost app, UsageRecord[] records)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        db.UsageRecords.AddRange(records);
        await db.SaveChangesAsync();
    }

    private static async Task<string> RegisterAsync(AppServicesHost app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync("trend@example.test", "Passw0rd!");
        return result.User!.Id;
    }
}
