using Microsoft.Playwright;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Accounts;

/// <summary>The admin closes self-registration on the Users page; the register page then refuses.</summary>
public sealed class RegistrationSwitchTests(WebChatAppFixture app) : IClassFixture<WebChatAppFixture>
{
    [Fact]
    public async Task When_the_admin_turns_registration_off_the_register_page_refuses_new_accounts()
    {
        var adminPage = await app.NewPageAsync();
        var adminEmail = await app.SignInAsAdminAsync(adminPage);
        await adminPage.GotoAsync("admin/users");
        await WebChatAppFixture.WaitForInteractiveAsync(adminPage);
        await Assertions.Expect(adminPage.GetByRole(AriaRole.Cell, new() { Name = adminEmail, Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(adminPage.GetByRole(AriaRole.Cell, new() { Name = "Admin", Exact = true })).ToBeVisibleAsync();

        var registrationSwitch = adminPage.GetByRole(AriaRole.Switch, new() { Name = "Allow self-registration" });
        await Assertions.Expect(registrationSwitch).ToBeCheckedAsync();
        await registrationSwitch.ClickAsync();
        await Assertions.Expect(adminPage.GetByText("Registration is closed")).ToBeVisibleAsync();

        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync("Account/Register");
        await Assertions.Expect(visitor.GetByTestId("registration-closed")).ToContainTextAsync("Registration is closed");
        await Assertions.Expect(visitor.GetByLabel("Email")).ToHaveCountAsync(0);
        await visitor.GotoAsync("Account/Login");
        await Assertions.Expect(visitor.GetByRole(AriaRole.Link, new() { Name = "Register" })).ToHaveCountAsync(0);
    }
}
