using Microsoft.Playwright;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Accounts;

/// <summary>The admin's Users page: roles change there, and the last admin stays an admin.</summary>
public sealed class UserAdministrationTests(WebChatAppFixture app) : IClassFixture<WebChatAppFixture>
{
    [Fact]
    public async Task The_admin_can_promote_a_user_but_cannot_demote_the_only_admin()
    {
        var page = await app.NewPageAsync();
        var adminEmail = await app.SignInAsAdminAsync(page);
        var userEmail = await app.CreateAccountAsync();
        await page.GotoAsync("admin/users");
        await WebChatAppFixture.WaitForInteractiveAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Make user: " + adminEmail }).ClickAsync();
        await Assertions.Expect(page.GetByText("This is the only administrator")).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Make admin: " + userEmail }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Make user: " + userEmail })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "Admin", Exact = true })).ToHaveCountAsync(2);
    }
}
