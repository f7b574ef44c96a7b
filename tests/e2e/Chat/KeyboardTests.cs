using Microsoft.Playwright;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Chat;

/// <summary>The chat without a mouse: Enter sends, Escape stops, Tab reaches the message actions.</summary>
public sealed class KeyboardTests(ScriptedChatAppFixture app) : IClassFixture<ScriptedChatAppFixture>
{
    [Fact]
    public async Task Enter_sends_escape_stops_and_tab_reaches_the_actions_of_the_answer()
    {
        app.Engine.TokenDelay = TimeSpan.FromMilliseconds(100);
        app.Engine.Script = _ => Enumerable.Repeat("word ", 400);
        var page = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(page, await app.CreateAccountAsync());
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });

        await composer.FillAsync("Talk for a while");
        await composer.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("live-answer")).ToContainTextAsync("word word");
        await composer.PressAsync("Escape");

        var answer = page.GetByTestId("message").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "Stopped");
        await answer.GetByRole(AriaRole.Button, new() { Name = "Copy message" }).FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(answer.GetByRole(AriaRole.Button, new() { Name = "Regenerate" })).ToBeFocusedAsync();
    }
}
