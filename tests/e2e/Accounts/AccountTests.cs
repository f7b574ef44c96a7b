using Microsoft.Playwright;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Accounts;

/// <summary>Signing in and out, and what a user without the Admin role may see.</summary>
public sealed class AccountTests(WebChatAppFixture app) : IClassFixture<WebChatAppFixture>
{
    [Fact]
    public async Task A_second_account_sees_no_admin_menu_and_is_denied_the_admin_pages()
    {
        await app.CreateAccountAsync();
        var page = await app.NewPageAsync();

        await WebChatAppFixture.RegisterAsync(page, WebChatAppFixture.UniqueEmail("second"));
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Chat" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Storage" })).ToHaveCountAsync(0);

        await page.GotoAsync("admin/storage");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Disk use of the models folder")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_signed_out_visitor_at_the_chat_page_is_sent_to_the_login_page()
    {
        var page = await app.NewPageAsync();

        await page.GotoAsync("chat");

        await page.WaitForURLAsync("**/Account/Login?ReturnUrl=%2Fchat");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Log in" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Logging_out_ends_the_session()
    {
        var page = await app.NewPageAsync();
        await WebChatAppFixture.RegisterAsync(page, WebChatAppFixture.UniqueEmail("leaver"));
        await WebChatAppFixture.WaitForInteractiveAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();

        await page.WaitForURLAsync("**/Account/Login**");
        await page.GotoAsync("settings");
        await page.WaitForURLAsync("**/Account/Login?ReturnUrl=%2Fsettings");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message()
    {
        var email = await app.CreateAccountAsync();
        var page = await app.NewPageAsync();
        await page.GotoAsync("Account/Login");

        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("Not-the-password1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Wrong email or password");
        Assert.Contains("/Account/Login", page.Url, StringComparison.Ordinal);
    }
}
