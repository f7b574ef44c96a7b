using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WebChat.Data;
using WebChat.Services.Security;
using WebChat.Tests.Unit.App.Data;

namespace WebChat.Tests.Unit.App.Security;

public sealed class SecurityEventLogTests
{
    [Theory]
    [BothProviders]
    public async Task Events_are_counted_by_kind_within_the_period_and_old_ones_are_dropped(DataProvider provider)
    {
        await using var app = await AppServicesHost.StartAsync(provider);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        var log = new SecurityEventLog(dbFactory, time, NullLogger<SecurityEventLog>.Instance);

        await log.RecordAsync(SecurityEventKinds.Lockout, "a@example.test", "10.0.0.1");
        time.Advance(SecurityEventLog.Retention + TimeSpan.FromDays(1));
        await log.RecordAsync(SecurityEventKinds.FailedSignIn, "a@example.test", "10.0.0.1");
        await log.RecordAsync(SecurityEventKinds.ThrottledAddress, "/Account/Login", "10.0.0.2");
        await log.RecordAsync(SecurityEventKinds.ThrottledAccount, "a@example.test", "10.0.0.3");

        var lastDay = await log.CountSinceAsync(time.GetUtcNow().UtcDateTime.AddDays(-1));
        Assert.Equal(new SecurityEventCounts(FailedSignIns: 1, Lockouts: 0, Throttled: 2), lastDay);
        for (var i = 0; i < 100; i++)
        {
            await log.RecordAsync(SecurityEventKinds.FailedSignIn, "b@example.test", "10.0.0.4");
        }

        await using var db = await dbFactory.CreateDbContextAsync();
        Assert.False(await db.SecurityEvents.AnyAsync(e => e.Kind == SecurityEventKinds.Lockout), "the event older than the retention was dropped");
    }
}
