using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Services.Accounts;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Security;

/// <summary>
/// What an admin does on Admin › Users reaches every open tab of the account within seconds: disabling, demoting,
/// resetting the password.
/// </summary>
public sealed class RevocationTests(SecurityAppFixture app) : IClassFixture<SecurityAppFixture>
{
    private static readonly PageWaitForURLOptions WithinFiveSeconds = new() { Timeout = 5_000 };

    [Fact]
    public async Task A_disabled_users_open_tab_loses_access_within_five_seconds_and_stays_out()
    {
        var admin = await app.NewPageAsync();
        await app.SignInAsAdminAsync(admin);
        var email = await app.CreateAccountAsync();
        var user = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(user, email);
        await WebChatAppFixture.WaitForInteractiveAsync(user);
        await admin.GotoAsync("admin/users");
        await WebChatAppFixture.WaitForInteractiveAsync(admin);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Disable: " + email }).ClickAsync();

        await user.WaitForURLAsync("**/Account/Login**", WithinFiveSeconds);
        await Assertions.Expect(admin.GetByRole(AriaRole.Button, new() { Name = "Enable: " + email })).ToBeVisibleAsync();
        await user.GotoAsync("chat");
        await user.WaitForURLAsync("**/Account/Login?ReturnUrl=%2Fchat");
        await user.GetByLabel("Email").FillAsync(email);
        await user.GetByLabel("Password").FillAsync(WebChatAppFixture.Password);
        await user.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await Assertions.Expect(user.GetByText(AccountSignIn.DisabledMessage)).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_demoted_admins_open_storage_tab_stops_working_within_five_seconds()
    {
        var admin = await app.NewPageAsync();
        await app.SignInAsAdminAsync(admin);
        var secondEmail = await app.CreateAccountAsync(WebChatAppFixture.UniqueEmail("second-admin"));
        var secondId = await UserIdAsync(secondEmail);
        Assert.Null(await RoleAssignmentAsync(secondId, admin: true));
        var second = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(second, secondEmail);
        await second.GotoAsync("admin/storage");
        await WebChatAppFixture.WaitForInteractiveAsync(second);
        await Assertions.Expect(second.GetByText("Models folder:")).ToBeVisibleAsync();
        await admin.GotoAsync("admin/users");
        await WebChatAppFixture.WaitForInteractiveAsync(admin);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Make user: " + secondEmail }).ClickAsync();

        await second.WaitForURLAsync("**/Account/Login**", WithinFiveSeconds);
        await Assertions.Expect(second.GetByText("Models folder:")).ToHaveCountAsync(0);
        await WebChatAppFixture.LogInAsync(second, secondEmail);
        await second.GotoAsync("admin/storage");
        await Assertions.Expect(second.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_reset_password_signs_the_user_out_and_the_temporary_one_must_be_changed_before_anything_else()
    {
        var admin = await app.NewPageAsync();
        await app.SignInAsAdminAsync(admin);
        var email = await app.CreateAccountAsync();
        var user = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(user, email);
        await WebChatAppFixture.WaitForInteractiveAsync(user);
        await admin.GotoAsync("admin/users");
        await WebChatAppFixture.WaitForInteractiveAsync(admin);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Reset password: " + email }).ClickAsync();
        var temporary = (await admin.GetByTestId("temporary-password-value").InnerTextAsync()).Trim();

        await user.WaitForURLAsync("**/Account/Login**", WithinFiveSeconds);
        await user.GetByLabel("Email").FillAsync(email);
        await user.GetByLabel("Password").FillAsync(temporary);
        await user.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await user.WaitForURLAsync("**/Account/Manage/ChangePassword");
        await Assertions.Expect(user.GetByTestId("must-change-password")).ToBeVisibleAsync();

        await user.GotoAsync("chat");
        await user.WaitForURLAsync("**/Account/Manage/ChangePassword");

        await user.GetByLabel("Current password").FillAsync(temporary);
        await user.GetByLabel("New password", new() { Exact = true }).FillAsync("Chosen-Passw0rd");
        await user.GetByLabel("Confirm new password").FillAsync("Chosen-Passw0rd");
        await user.GetByRole(AriaRole.Button, new() { Name = "Update password" }).ClickAsync();
        await Assertions.Expect(user.GetByText("Your password has been changed.")).ToBeVisibleAsync();
        await user.GotoAsync("chat");
        await WebChatAppFixture.WaitForInteractiveAsync(user);
        Assert.EndsWith("/chat", user.Url, StringComparison.Ordinal);

        var other = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(other, email, "Chosen-Passw0rd");
    }

    [Fact]
    public async Task Deleting_and_keeping_the_conversations_signs_the_user_out_and_the_admin_can_export_them()
    {
        var admin = await app.NewPageAsync();
        await app.SignInAsAdminAsync(admin);
        var email = await app.CreateAccountAsync();
        var userId = await UserIdAsync(email);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await using var db = await scope.ServiceProvider.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<WebChat.Data.WebChatDbContext>>().CreateDbContextAsync();
            var conversation = new WebChat.Data.Entities.Conversation { UserId = userId, Title = "Handover notes" };
            conversation.Messages.Add(new WebChat.Data.Entities.Message { Sequence = 0, Role = WebChat.Data.Entities.MessageRole.User, Content = "Where is the backup key?" });
            db.Conversations.Add(conversation);
            await db.SaveChangesAsync();
        }

        var user = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(user, email);
        await WebChatAppFixture.WaitForInteractiveAsync(user);
        await admin.GotoAsync("admin/users");
        await WebChatAppFixture.WaitForInteractiveAsync(admin);

        await admin.GetByRole(AriaRole.Button, new() { Name = "Delete: " + email }).ClickAsync();
        await admin.GetByRole(AriaRole.Button, new() { Name = "Delete, keep conversations" }).ClickAsync();

        await user.WaitForURLAsync("**/Account/Login**", WithinFiveSeconds);
        await Assertions.Expect(admin.GetByText("Deleted (conversations kept)")).ToBeVisibleAsync();
        var download = await admin.RunAndWaitForDownloadAsync(() =>
            admin.GetByRole(AriaRole.Button, new() { Name = "Export kept conversations: " + userId }).ClickAsync());
        var exported = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains("Where is the backup key?", exported, StringComparison.Ordinal);
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<WebChat.Data.Entities.ApplicationUser>>();
        return (await users.FindByEmailAsync(email))!.Id;
    }

    private async Task<string?> RoleAssignmentAsync(string userId, bool admin)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RoleAssignment>().SetAdminAsync(Actors.Admin, userId, admin);
    }
}
