using Microsoft.Playwright;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Shell;

/// <summary>The light/dark choice is stored per user, so it survives a reload.</summary>
public sealed class ThemeTests(WebChatAppFixture app) : IClassFixture<WebChatAppFixture>
{
    [Fact]
    public async Task The_theme_choice_survives_a_reload()
    {
        var page = await app.NewPageAsync();
        await app.SignInAsAdminAsync(page);
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        var shell = page.Locator(".webchat-shell");
        var before = await shell.GetAttributeAsync("data-theme");
        var expected = before == "dark" ? "light" : "dark";

        await page.GetByTestId("theme-toggle").ClickAsync();
        await Assertions.Expect(shell).ToHaveAttributeAsync("data-theme", expected);
        await page.ReloadAsync();

        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(shell).ToHaveAttributeAsync("data-theme", expected);
        // The palette really applies: WebChatTheme's page backgrounds.
        await Assertions.Expect(page.Locator("body")).ToHaveCSSAsync("background-color", expected == "dark" ? "rgb(18, 18, 24)" : "rgb(247, 248, 250)");
    }
}
