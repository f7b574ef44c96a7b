using Microsoft.Playwright;
using WebChat.Services.Accounts;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Accounts;

/// <summary>The admin chooses who may register on the Users page (open, approval needed, closed); the register page follows.</summary>
public sealed class RegistrationSwitchTests(WebChatAppFixture app) : IClassFixture<WebChatAppFixture>
{
    [Fact]
    public async Task When_the_admin_closes_registration_the_register_page_refuses_new_accounts()
    {
        var adminPage = await AdminOnUsersPageAsync();

        await adminPage.GetByRole(AriaRole.Radio, new() { Name = "Closed: only existing accounts" }).CheckAsync();
        await Assertions.Expect(adminPage.GetByText("Registration is closed")).ToBeVisibleAsync();

        var visitor = await app.NewPageAsync();
        await visitor.GotoAsync("Account/Register");
        await Assertions.Expect(visitor.GetByTestId("registration-closed")).ToContainTextAsync("Registration is closed");
        await Assertions.Expect(visitor.GetByLabel("Email")).ToHaveCountAsync(0);
        await visitor.GotoAsync("Account/Login");
        await Assertions.Expect(visitor.GetByRole(AriaRole.Link, new() { Name = "Register" })).ToHaveCountAsync(0);
        await SetOpenAsync(adminPage);
    }

    [Fact]
    public async Task With_approval_needed_a_newcomer_waits_until_the_admin_approves_and_a_rejected_one_is_gone()
    {
        var adminPage = await AdminOnUsersPageAsync();
        await adminPage.GetByRole(AriaRole.Radio, new() { Name = "Approval needed: new accounts wait for an admin" }).CheckAsync();
        await Assertions.Expect(adminPage.GetByTestId("registration-summary")).ToContainTextAsync("Registration needs approval");
        var newcomer = WebChatAppFixture.UniqueEmail("newcomer");
        var spammer = WebChatAppFixture.UniqueEmail("spammer");

        var visitor = await app.NewPageAsync();
        await RegisterExpectingToWaitAsync(visitor, newcomer);
        await RegisterExpectingToWaitAsync(await app.NewPageAsync(), spammer);
        await TryLogInAsync(visitor, newcomer);
        await Assertions.Expect(visitor.GetByText(AccountSignIn.PendingApprovalMessage)).ToBeVisibleAsync();

        await adminPage.ReloadAsync();
        await WebChatAppFixture.WaitForInteractiveAsync(adminPage);
        await Assertions.Expect(adminPage.GetByTestId("pending-count")).ToContainTextAsync("2 accounts waiting for approval");
        await adminPage.GetByRole(AriaRole.Button, new() { Name = "Approve: " + newcomer }).ClickAsync();
        await Assertions.Expect(adminPage.GetByText($"{newcomer} is approved and can log in.")).ToBeVisibleAsync();
        await adminPage.GetByRole(AriaRole.Button, new() { Name = "Reject: " + spammer }).ClickAsync();
        await Assertions.Expect(adminPage.GetByRole(AriaRole.Cell, new() { Name = spammer, Exact = true })).ToHaveCountAsync(0);
        await Assertions.Expect(adminPage.GetByTestId("pending-count")).ToHaveCountAsync(0);

        await WebChatAppFixture.LogInAsync(visitor, newcomer);
        await SetOpenAsync(adminPage);
    }

    private async Task<IPage> AdminOnUsersPageAsync()
    {
        var adminPage = await app.NewPageAsync();
        var adminEmail = await app.SignInAsAdminAsync(adminPage);
        await adminPage.GotoAsync("admin/users");
        await WebChatAppFixture.WaitForInteractiveAsync(adminPage);
        await Assertions.Expect(adminPage.GetByRole(AriaRole.Cell, new() { Name = adminEmail, Exact = true })).ToBeVisibleAsync();
        return adminPage;
    }

    // The tests share one app: each leaves registration open, as it found it.
    private static async Task SetOpenAsync(IPage adminPage)
    {
        await adminPage.GetByRole(AriaRole.Radio, new() { Name = "Open: anyone who can reach this server" }).CheckAsync();
        await Assertions.Expect(adminPage.GetByTestId("registration-summary")).ToContainTextAsync("Registration is open.");
    }

    private static async Task RegisterExpectingToWaitAsync(IPage page, string email)
    {
        await page.GotoAsync("Account/Register");
        await Assertions.Expect(page.GetByTestId("registration-approval-notice")).ToBeVisibleAsync();
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebChatAppFixture.Password);
        await page.GetByLabel("Confirm password").FillAsync(WebChatAppFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("registration-pending")).ToContainTextAsync(UserRegistration.PendingApprovalMessage);
    }

    private static async Task TryLogInAsync(IPage page, string email)
    {
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(WebChatAppFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }
}
