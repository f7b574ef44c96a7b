using Microsoft.Playwright;

namespace WebChat.Bench.Chat;

/// <summary>Browser sessions of new accounts on a <see cref="BenchApp"/>, registered through the real form.</summary>
internal static class BrowserAccounts
{
    /// <summary>
    /// Registers <paramref name="email"/> in a fresh browser context and returns its chat page once interactive.
    /// <paramref name="watch"/> sees the page before its first navigation (to collect page errors from the start).
    /// <paramref name="cookies"/> are set before it (nginx's routing cookie keeps a browser on a node).
    /// </summary>
    public static async Task<IPage> RegisterAsync(IBrowser browser, Uri baseAddress, string email, TimeSpan timeout, Action<IPage>? watch = null, IEnumerable<Cookie>? cookies = null)
    {
        var context = await browser.NewContextAsync(new() { BaseURL = baseAddress.ToString() });
        if (cookies is not null)
        {
            await context.AddCookiesAsync(cookies);
        }

        context.SetDefaultTimeout((float)timeout.TotalMilliseconds);
        var page = await context.NewPageAsync();
        watch?.Invoke(page);
        await page.GotoAsync("Account/Register");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(BenchApp.Password);
        await page.GetByLabel("Confirm password").FillAsync(BenchApp.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await page.WaitForURLAsync("**/chat");
        await page.Locator("[data-interactive='true']").WaitForAsync();
        return page;
    }
}
