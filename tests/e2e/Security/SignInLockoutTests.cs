using System.Diagnostics;
using Microsoft.Playwright;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Security;

/// <summary>A guessing script at the login page: five wrong passwords lock the account until the lockout ends.</summary>
public sealed class SignInLockoutTests(SecurityAppFixture app) : IClassFixture<SecurityAppFixture>
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_the_right_one_works_only_after_the_lockout()
    {
        var email = await app.CreateAccountAsync();
        var page = await app.NewPageAsync();

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await SubmitAsync(page, email, $"Wrong-password{attempt}");
            await Assertions.Expect(page.GetByText("Wrong email or password.")).ToBeVisibleAsync();
        }

        await SubmitAsync(page, email, "Wrong-password5");
        await Assertions.Expect(page.GetByText("This account is locked after 5 wrong passwords.")).ToBeVisibleAsync();
        var lockedAt = Stopwatch.StartNew();

        await SubmitAsync(page, email, WebChatAppFixture.Password);
        await Assertions.Expect(page.GetByText("This account is locked after 5 wrong passwords. Try again in 6 seconds.")).ToBeVisibleAsync();
        Assert.Contains("Account/Login", page.Url, StringComparison.Ordinal);

        // The lockout ends on its own: the right password is accepted once it has passed, and not before.
        while (true)
        {
            await SubmitAsync(page, email, WebChatAppFixture.Password);
            if (page.Url.EndsWith("/chat", StringComparison.Ordinal))
            {
                break;
            }

            Assert.True(lockedAt.Elapsed < TimeSpan.FromSeconds(60), "the lockout never ended");
            await Assertions.Expect(page.GetByText("This account is locked")).ToBeVisibleAsync();
        }

        Assert.True(lockedAt.Elapsed >= SecurityAppFixture.Lockout - TimeSpan.FromSeconds(1), $"signed in {lockedAt.Elapsed} after the lockout began");
    }

    private static async Task SubmitAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        // The answer is a new document either way (the form again, or the chat): mark this one and wait for another.
        await page.EvaluateAsync("() => window.beforeSubmit = true");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await page.WaitForFunctionAsync("() => window.beforeSubmit !== true");
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }
}
