using System.Globalization;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;
using WebChat.Components.Pages.Admin;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Admin;

namespace WebChat.Tests.Unit.App.Components.Pages.Admin;

/// <summary>The Usage page over a real SQLite file: the period selector changes what the totals and tables count.</summary>
public sealed class UsageTests : BunitContext, IAsyncLifetime
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-20T12:00:00Z", CultureInfo.InvariantCulture);
    private AppServicesHost app = null!;

    public async Task InitializeAsync()
    {
        app = await AppServicesHost.StartAsync();
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using (var db = await dbFactory.CreateDbContextAsync())
        {
            db.UsageRecords.AddRange(
                Record("model-recent", Now.AddHours(-2), completion: 11, ttftMs: 120, durationMs: 1120),
                Record("model-old", Now.AddDays(-20), completion: 5, ttftMs: 400, durationMs: 800));
            await db.SaveChangesAsync();
        }

        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(new UsageStatistics(dbFactory, new FakeTimeProvider(Now)));
        Services.AddSingleton(new UsageTrends(dbFactory, new FakeTimeProvider(Now)));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public void The_page_opens_on_the_last_7_days_and_all_adds_the_older_generation()
    {
        var page = Render<Usage>();
        page.WaitForAssertion(() => Assert.Contains("Requests: 1", Totals(page), StringComparison.Ordinal));
        Assert.Contains("average 120 ms", Totals(page), StringComparison.Ordinal);
        Assert.Contains("model-recent", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("model-old", page.Markup, StringComparison.Ordinal);

        page.FindAll("button").Single(b => b.TextContent.Trim() == "All").Click();

        page.WaitForAssertion(() => Assert.Contains("Requests: 2", Totals(page), StringComparison.Ordinal));
        Assert.Contains("average 260 ms", Totals(page), StringComparison.Ordinal);
        Assert.Contains("model-old", page.Markup, StringComparison.Ordinal);
        Assert.Contains("2026-10-31", page.Markup, StringComparison.Ordinal);
        Assert.Equal(["All"], page.FindAll("[aria-checked=true]").Select(b => b.TextContent.Trim()));
    }

    [Fact]
    public void Each_chart_has_a_summary_in_words_and_its_numbers_as_a_table()
    {
        var page = Render<Usage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=chart-requests]")));

        Assert.Equal("1 requests over 1 day(s); busiest 2026-11-20 with 1.", page.Find("[data-testid=chart-requests] [data-testid=chart-summary]").TextContent);
        Assert.Contains("p50 120 ms, p95 120 ms", page.Find("[data-testid=chart-ttft] [data-testid=chart-summary]").TextContent, StringComparison.Ordinal);
        Assert.Equal("model-recent 100%.", page.Find("[data-testid=chart-models] [data-testid=chart-summary]").TextContent);
        Assert.Contains("2026-11-20", page.Find("[data-testid=chart-tokens] details table").TextContent, StringComparison.Ordinal);
        Assert.Equal("true", page.Find("[data-testid=chart-requests] .chart-picture").GetAttribute("aria-hidden"));
        Assert.NotEmpty(page.FindAll("[data-testid=chart-requests] svg"));
    }

    private static string Totals(IRenderedComponent<Usage> page) =>
        string.Join(' ', page.Find("[data-testid=usage-totals]").TextContent.Split((char[])null!, StringSplitOptions.RemoveEmptyEntries));

    private static UsageRecord Record(string model, DateTimeOffset at, int completion, double ttftMs, double durationMs) => new()
    {
        UserId = "someone",
        Model = model,
        PromptTokens = 20,
        CompletionTokens = completion,
        TimeToFirstTokenMs = ttftMs,
        DurationMs = durationMs,
        FinishReason = "Stop",
        CreatedAt = at.UtcDateTime,
    };
}
