using Microsoft.Playwright;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Accounts;

/// <summary>An empty database: the first person to register becomes the administrator.</summary>
public sealed class FirstRunTests(WebChatAppFixture app) : IClassFixture<WebChatAppFixture>
{
    [Fact]
    public async Task The_first_registration_lands_on_the_chat_page_with_the_admin_menu()
    {
        var page = await app.NewPageAsync();

        await page.GotoAsync("chat");
        await page.WaitForURLAsync("**/Account/Login**");
        await Assertions.Expect(page.GetByTestId("first-account-invite")).ToContainTextAsync("becomes the administrator");

        await page.GetByRole(AriaRole.Link, new() { Name = "Register the first account" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Create the administrator account" })).ToBeVisibleAsync();
        await page.GetByLabel("Email").FillAsync("first@example.test");
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebChatAppFixture.Password);
        await page.GetByLabel("Confirm password").FillAsync(WebChatAppFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();

        await page.WaitForURLAsync("**/chat");
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Storage" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("current-user")).ToContainTextAsync("first@example.test");
        await Assertions.Expect(page.GetByTestId("engine-status")).ToContainTextAsync("No model loaded");
    }
}
