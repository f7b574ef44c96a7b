using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Accounts;

/// <summary>The admin raises one user's share of the engine on the Users page, and can put it back.</summary>
public sealed class EngineShareTests(WebChatAppFixture app) : IClassFixture<WebChatAppFixture>
{
    [Fact]
    public async Task The_admin_gives_a_user_a_higher_engine_share_and_resets_it()
    {
        var page = await app.NewPageAsync();
        await app.SignInAsAdminAsync(page);
        var userEmail = await app.CreateAccountAsync();
        var userId = await UserIdAsync(userEmail);
        var shares = app.Services.GetRequiredService<EngineShares>();
        await page.GotoAsync("admin/users");
        await WebChatAppFixture.WaitForInteractiveAsync(page);

        await page.GetByRole(AriaRole.Button, new() { Name = "Engine share: " + userEmail }).ClickAsync();
        var dialog = page.GetByTestId("engine-share-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("This user has the default.");
        await dialog.GetByLabel("Answers at once").FillAsync("6");
        await dialog.GetByLabel("Answers waiting").FillAsync("12");
        await page.GetByTestId("share-save").ClickAsync();

        await Assertions.Expect(page.GetByText($"{userEmail} may now have 6 answers at once and 12 waiting.")).ToBeVisibleAsync();
        Assert.Equal(new UserShare(6, 12), await shares.FindAsync(userId));

        await page.GetByRole(AriaRole.Button, new() { Name = "Engine share: " + userEmail }).ClickAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("a share of their own");
        await page.GetByTestId("share-reset").ClickAsync();
        await Assertions.Expect(page.GetByText($"{userEmail} has the default share again.")).ToBeVisibleAsync();
        Assert.Null(await shares.FindAsync(userId));
    }

    private async Task<string> UserIdAsync(string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync(email))!.Id;
    }
}
