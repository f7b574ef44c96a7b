using Microsoft.Playwright;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Api;

/// <summary>Keys as a person manages them on Settings: created and shown once, used, revoked; an admin sees and revokes anyone's.</summary>
public sealed class ApiKeysPageTests(ApiAppFixture app) : IClassFixture<ApiAppFixture>
{
    [Fact]
    public async Task A_user_creates_a_key_sees_it_once_uses_it_and_revokes_it_and_an_admin_can_revoke_anyones()
    {
        var adminPage = await app.NewPageAsync();
        await app.SignInAsAdminAsync(adminPage);
        var email = await app.CreateAccountAsync();
        var page = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(page, email);

        // Create: the secret appears once, the list shows only its prefix.
        await page.GotoAsync("settings");
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await page.GetByLabel("Key name").FillAsync("my editor");
        await page.GetByTestId("create-api-key").ClickAsync();
        var secret = (await page.GetByTestId("new-api-key").InnerTextAsync()).Trim();
        Assert.StartsWith("wc-", secret, StringComparison.Ordinal);
        var row = page.GetByTestId("api-key-row").Filter(new() { HasText = "my editor" });
        await Assertions.Expect(row).ToContainTextAsync("never");
        Assert.DoesNotContain(secret, await page.GetByTestId("api-key-list").InnerTextAsync(), StringComparison.Ordinal);

        // Use: it works, and the last-used time shows after a reload (which also no longer shows the secret).
        using var client = app.ApiClient(secret);
        Assert.Equal(200, (int)(await client.GetAsync("models")).StatusCode);
        await page.ReloadAsync();
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("new-api-key")).ToHaveCountAsync(0);
        await Assertions.Expect(row).Not.ToContainTextAsync("never");

        // A second key, revoked by the admin from their own Settings page, which lists everyone's keys.
        await page.GetByLabel("Key name").FillAsync("script");
        await page.GetByTestId("create-api-key").ClickAsync();
        var second = (await page.GetByTestId("new-api-key").InnerTextAsync()).Trim();
        await adminPage.GotoAsync("settings");
        await WebChatAppFixture.WaitForInteractiveAsync(adminPage);
        var adminRow = adminPage.GetByTestId("api-key-row").Filter(new() { HasText = "script" });
        await Assertions.Expect(adminRow).ToContainTextAsync(email);
        await adminRow.GetByRole(AriaRole.Button, new() { Name = "Revoke script" }).ClickAsync();
        await Assertions.Expect(adminRow).ToHaveCountAsync(0);
        using var secondClient = app.ApiClient(second);
        Assert.Equal(401, (int)(await secondClient.GetAsync("models")).StatusCode);

        // The owner revokes the first key: it stops working at once.
        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke my editor" }).ClickAsync();
        await Assertions.Expect(row).ToHaveCountAsync(0);
        Assert.Equal(401, (int)(await client.GetAsync("models")).StatusCode);
        await page.Context.CloseAsync();
        await adminPage.Context.CloseAsync();
    }
}
