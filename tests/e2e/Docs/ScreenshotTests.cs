using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Tests.E2E.Accessibility;
using WebChat.Tests.E2E.Infrastructure;
using WebChat.Tests.Support.Files;

namespace WebChat.Tests.E2E.Docs;

/// <summary>Runs only with WEBCHAT_SCREENSHOTS=1 (it rewrites files in the repository).</summary>
public sealed class ScreenshotFactAttribute : FactAttribute
{
    public ScreenshotFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("WEBCHAT_SCREENSHOTS") != "1")
        {
            Skip = "Set WEBCHAT_SCREENSHOTS=1 to rewrite docs/screenshots.";
        }
    }
}

/// <summary>The README's screenshots: chat, Discover, Library, Usage, Storage, Knowledge and Engines at 1280 and 390 px, made from the running app.</summary>
public sealed class ScreenshotTests(AccessibilityAppFixture app) : IClassFixture<AccessibilityAppFixture>
{
    private static readonly (string Name, string Address)[] Pages =
    [
        ("discover", "discover?q=tiny"),
        ("library", "library"),
        ("usage", "admin/usage"),
        ("storage", "admin/storage"),
        ("knowledge", "knowledge"),
        ("engines", "admin/engines"),
    ];

    [ScreenshotFact]
    public async Task Screenshots_of_the_main_pages_at_desktop_and_phone_width()
    {
        app.Engine.Script = _ =>
        [
            "<think>", "The user wants a quick example.", "</think>",
            "Here is a **C#** record:\n\n```csharp\npublic record Point(int X, int Y);\n```\n\n| Name | Type |\n|---|---|\n| X | int |\n| Y | int |",
        ];
        app.Engine.TokenDelay = TimeSpan.FromMilliseconds(40);
        var admin = await app.CreateAccountAsync(WebChatAppFixture.UniqueEmail("admin"));
        await SeedTwoWeeksOfUsageAsync();
        var folder = Path.Combine(Repository.Root, "docs", "screenshots");
        Directory.CreateDirectory(folder);
        foreach (var width in new[] { 1280, 390 })
        {
            var context = await app.Browser.NewContextAsync(new()
            {
                BaseURL = app.BaseAddress.ToString(),
                ViewportSize = new() { Width = width, Height = width > 600 ? 800 : 844 },
                IsMobile = width <= 600,
                ColorScheme = ColorScheme.Light,
            });
            context.SetDefaultTimeout(60_000);
            var page = await context.NewPageAsync();
            await WebChatAppFixture.LogInAsync(page, admin);
            await WebChatAppFixture.WaitForInteractiveAsync(page);
            var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });
            await composer.FillAsync("Show me a record type in C#");
            await composer.PressAsync("Enter");
            await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"chat-{width}.png") });
            foreach (var (name, address) in Pages)
            {
                await page.GotoAsync(address);
                await WebChatAppFixture.WaitForInteractiveAsync(page);
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                await page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}-{width}.png"), FullPage = true });
            }

            await context.CloseAsync();
        }

        Assert.Equal(2 * (Pages.Length + 1), Directory.GetFiles(folder, "*.png").Length);
    }

    // Deterministic made-up traffic of two people on two models, so the charts show a trend.
    private async Task SeedTwoWeeksOfUsageAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        var today = DateTime.UtcNow.Date;
        for (var day = 13; day >= 1; day--)
        {
            for (var i = 0; i < 3 + (day * 7 % 9); i++)
            {
                db.UsageRecords.Add(new UsageRecord
                {
                    UserId = i % 3 == 0 ? "alice" : "bob",
                    Model = i % 4 == 0 ? "Llama 3.2 1B" : "Qwen2.5 0.5B Instruct",
                    PromptTokens = 200 + (i * 37 % 300),
                    ReusedPromptTokens = 100,
                    CompletionTokens = 80 + (day * i * 13 % 200),
                    TimeToFirstTokenMs = 150 + (day * 31 % 120) + (i * 53 % 400),
                    DurationMs = 4000,
                    FinishReason = "Stop",
                    CreatedAt = today.AddDays(-day).AddHours(9 + i % 8),
                });
            }
        }

        await db.SaveChangesAsync();
    }
}
