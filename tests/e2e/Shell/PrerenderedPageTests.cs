using Microsoft.Playwright;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Shell;

/// <summary>
/// A page is first sent prerendered, and its buttons only work once the circuit is up. A first-run admin clicked
/// "Download the recommended starter model" in that window and nothing happened; the controls now show as waiting.
/// </summary>
public sealed class PrerenderedPageTests(WebChatAppFixture app) : IClassFixture<WebChatAppFixture>
{
    [Fact]
    public async Task Buttons_show_as_waiting_until_the_circuit_is_up_and_then_work()
    {
        var page = await app.NewPageAsync();
        await app.SignInAsAdminAsync(page);
        var circuitMayStart = new TaskCompletionSource();
        await page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            await circuitMayStart.Task;
            await route.ContinueAsync();
        });

        await page.ReloadAsync();
        var shell = page.Locator(".webchat-shell");
        var toggle = page.GetByTestId("theme-toggle");
        await Assertions.Expect(shell).ToHaveAttributeAsync("data-interactive", "false");
        await Assertions.Expect(shell).ToHaveAttributeAsync("aria-busy", "true");
        await Assertions.Expect(toggle).ToHaveCSSAsync("pointer-events", "none");

        circuitMayStart.SetResult();
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(shell).ToHaveAttributeAsync("aria-busy", "false");
        await Assertions.Expect(toggle).ToHaveCSSAsync("pointer-events", "auto");
        var theme = await shell.GetAttributeAsync("data-theme");
        await toggle.ClickAsync();
        await Assertions.Expect(shell).Not.ToHaveAttributeAsync("data-theme", theme!);
        await toggle.ClickAsync(); // leave the admin's stored theme as it was for other tests of this fixture
        await Assertions.Expect(shell).ToHaveAttributeAsync("data-theme", theme!);
    }
}
