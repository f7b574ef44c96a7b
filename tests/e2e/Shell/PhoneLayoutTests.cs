using Microsoft.Playwright;
using WebChat.Tests.E2E.Accessibility;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Shell;

/// <summary>The chat on a 390 px wide phone: nothing runs off the right edge, the chats are a drawer, the composer is on screen.</summary>
public sealed class PhoneLayoutTests(AccessibilityAppFixture app) : IClassFixture<AccessibilityAppFixture>
{
    private const int Width = 390;
    private const int Height = 844;

    [Fact]
    public async Task On_a_phone_the_chats_are_a_drawer_and_the_picker_toolbar_and_composer_fit_the_screen()
    {
        var (context, page) = await PhoneAsync();
        await WebChatAppFixture.LogInAsync(page, await app.CreateAccountAsync(WebChatAppFixture.UniqueEmail("someone-with-a-long-name")));
        await WebChatAppFixture.WaitForInteractiveAsync(page);

        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= Width, "the page scrolls sideways");
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollHeight") <= Height, "the chat page scrolls as a whole instead of its message list");
        await FitsAsync(page.GetByTestId("model-picker"));
        await FitsAsync(page.GetByTestId("current-user"));
        await FitsAsync(page.GetByTestId("open-overrides"));
        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });
        await Assertions.Expect(composer).ToBeInViewportAsync();
        await FitsAsync(composer);

        var chats = page.GetByTestId("conversation-list");
        await Assertions.Expect(chats).ToBeHiddenAsync();
        await page.GetByTestId("toggle-chats").ClickAsync();
        await Assertions.Expect(chats).ToBeVisibleAsync();
        await FitsAsync(chats);
        await page.GetByTestId("new-chat").ClickAsync();
        await Assertions.Expect(chats).ToBeHiddenAsync();

        // A sent message and its answer keep the composer on screen.
        await composer.FillAsync("Hello from a phone");
        await composer.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");
        await Assertions.Expect(composer).ToBeInViewportAsync();
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= Width, "the conversation scrolls sideways");
        await context.CloseAsync();
    }

    [Fact]
    public async Task On_a_phone_the_admins_knowledge_page_fits_the_screen()
    {
        var (context, page) = await PhoneAsync();
        await app.SignInAsAdminAsync(page);
        await page.GotoAsync("knowledge");
        await WebChatAppFixture.WaitForInteractiveAsync(page);

        // The embedder picker asked for 24rem (384 px) and ran past the edge of a 390 px screen.
        await FitsAsync(page.GetByTestId("default-embedder"));
        await FitsAsync(page.GetByTestId("collection-name"));
        await FitsWidthAsync(page);

        // A collection open, with its own embedder picker.
        await page.GetByLabel("New collection").FillAsync($"phone-{Guid.NewGuid().ToString("N")[..6]}");
        await page.GetByTestId("create-collection").ClickAsync();
        await Assertions.Expect(page.GetByTestId("move-collection")).ToBeVisibleAsync();
        await FitsWidthAsync(page);
        await context.CloseAsync();
    }

    private async Task<(IBrowserContext Context, IPage Page)> PhoneAsync()
    {
        var context = await app.Browser.NewContextAsync(new()
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new() { Width = Width, Height = Height },
            IsMobile = true,
            HasTouch = true,
        });
        context.SetDefaultTimeout(60_000);
        return (context, await context.NewPageAsync());
    }

    private static async Task FitsWidthAsync(IPage page)
    {
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= Width,
            "the page scrolls sideways; past the edge: " + await page.EvaluateAsync<string>(
                "w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 0.5)" +
                ".slice(0, 12).map(e => e.tagName + '.' + e.className.toString().split(' ')[0] + '[' + (e.closest('[data-testid]')?.dataset.testid ?? '') + '] ' + Math.round(e.getBoundingClientRect().left) + '..' + Math.round(e.getBoundingClientRect().right)).join('; ')", Width));
    }

    private static async Task FitsAsync(ILocator element)
    {
        var box = await element.BoundingBoxAsync() ?? throw new Xunit.Sdk.XunitException("The element is not rendered.");
        Assert.True(box.X >= 0 && box.X + box.Width <= Width + 0.5, $"The element spans {box.X:0}..{box.X + box.Width:0} px on a {Width} px screen.");
        Assert.True(box.Y >= 0 && box.Y + box.Height <= Height + 0.5, $"The element spans {box.Y:0}..{box.Y + box.Height:0} px down a {Height} px screen.");
    }
}
