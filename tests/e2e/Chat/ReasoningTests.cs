using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Chat;

/// <summary>A reasoning model's &lt;think&gt; text in the browser: collapsed apart from the answer, stored apart, not sent back.</summary>
public sealed class ReasoningTests(ScriptedChatAppFixture app) : IClassFixture<ScriptedChatAppFixture>
{
    [Fact]
    public async Task Thinking_streams_into_a_collapsed_panel_is_stored_apart_and_is_not_sent_back_next_turn()
    {
        app.Engine.TokenDelay = TimeSpan.FromMilliseconds(20);
        app.Engine.Script = _ => ["<think>", "Two plus ", "two is four.", "</think>", "\n\n", "It is ", "4."];
        var page = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(page, await app.CreateAccountAsync());
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });

        await composer.FillAsync("What is 2+2?");
        await composer.PressAsync("Enter");
        var answer = page.GetByTestId("message").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "Complete");

        var panel = answer.GetByTestId("reasoning");
        await Assertions.Expect(panel.GetByTestId("reasoning-summary")).ToContainTextAsync("Thought for");
        await Assertions.Expect(panel).Not.ToHaveAttributeAsync("open", "");
        await Assertions.Expect(panel.GetByText("Two plus two is four.")).ToBeHiddenAsync();
        await Assertions.Expect(answer.Locator(".markdown-body")).ToHaveTextAsync("It is 4.");
        await panel.GetByTestId("reasoning-summary").ClickAsync();
        await Assertions.Expect(panel.GetByText("Two plus two is four.")).ToBeVisibleAsync();

        app.Engine.Script = _ => ["Glad to help."];
        await composer.FillAsync("Thanks");
        await composer.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");

        var sentBack = app.Engine.Requests[^1].Messages.Select(t => t.Content).ToList();
        Assert.Equal(["What is 2+2?", "It is 4.", "Thanks"], sentBack);
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var stored = await db.Messages.AsNoTracking().Where(m => m.Role == MessageRole.Assistant).OrderBy(m => m.CreatedAt).FirstAsync();
        Assert.Equal(("It is 4.", "Two plus two is four."), (stored.Content, stored.Reasoning));
        Assert.True(stored.ReasoningMs > 0);
    }
}
