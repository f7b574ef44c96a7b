using Microsoft.Playwright;
using WebChat.Tests.E2E.Infrastructure;
using Xunit.Abstractions;

namespace WebChat.Tests.E2E.Accessibility;

/// <summary>axe-core on every page, signed in as admin and as user, in the light and the dark theme: no serious or critical finding.</summary>
public sealed class AccessibilityTests(AccessibilityAppFixture app, ITestOutputHelper output) : IClassFixture<AccessibilityAppFixture>
{
    /// <summary>Moderate findings accepted, and why. Anything else moderate, and anything serious or critical, fails.</summary>
    private static readonly Dictionary<string, string> AcceptedModerate = new()
    {
    };

    private static readonly string[] UserPages = ["chat", "library", "settings", "Account/Manage"];
    // Discover is for admins (it searches with the server's Hub token).
    private static readonly string[] AdminPages = ["discover", "admin/usage", "admin/storage", "admin/users", "admin/quotas", "admin/presets", "admin/engine"];

    [Fact]
    public async Task Every_page_has_no_serious_or_critical_axe_violation_for_admin_and_user_in_light_and_dark()
    {
        app.Engine.Script = _ => ["<think>", "Plan the answer.", "</think>", "Here is code:\n\n```csharp\nvar x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |"];
        var admin = await app.CreateAccountAsync(WebChatAppFixture.UniqueEmail("admin"));
        var user = await app.CreateAccountAsync();
        var findings = new List<string>();
        foreach (var scheme in new[] { ColorScheme.Light, ColorScheme.Dark })
        {
            findings.AddRange(await CheckAnonymousAsync(scheme));
            findings.AddRange(await CheckSignedInAsync(admin, [.. UserPages, .. AdminPages], scheme));
            findings.AddRange(await CheckSignedInAsync(user, UserPages, scheme));
        }

        foreach (var finding in findings)
        {
            output.WriteLine(finding);
        }

        Assert.True(findings.Count == 0, $"{findings.Count} accessibility finding(s):\n{string.Join("\n", findings)}");
    }

    private async Task<List<string>> CheckAnonymousAsync(ColorScheme scheme)
    {
        var page = await NewPageAsync(scheme);
        var findings = new List<string>();
        foreach (var address in new[] { "Account/Login", "Account/Register" })
        {
            await page.GotoAsync(address);
            findings.AddRange(await CheckAsync(page, $"anonymous {scheme} {address}"));
        }

        await page.Context.CloseAsync();
        return findings;
    }

    private async Task<List<string>> CheckSignedInAsync(string email, string[] pages, ColorScheme scheme)
    {
        var page = await NewPageAsync(scheme);
        await WebChatAppFixture.LogInAsync(page, email);
        var findings = new List<string>();
        var who = $"{email.Split('-')[0]} {scheme}";
        foreach (var address in pages)
        {
            await page.GotoAsync(address);
            if (address.StartsWith("Account/", StringComparison.Ordinal))
            {
                await page.WaitForLoadStateAsync(LoadState.NetworkIdle); // Account pages are rendered on the server only.
            }
            else
            {
                await WebChatAppFixture.WaitForInteractiveAsync(page);
                await Assertions.Expect(page.Locator(".webchat-shell")).ToHaveAttributeAsync("data-theme", scheme == ColorScheme.Dark ? "dark" : "light");
            }

            findings.AddRange(await CheckAsync(page, $"{who} {address}"));
        }

        // A conversation with a reasoning panel (opened), Markdown, code and a table.
        await page.GotoAsync("chat");
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });
        await composer.FillAsync("Show me some code");
        await composer.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");
        // The composer shows Send again once the answer ended (a Stop left on screen was once the finding here).
        await Assertions.Expect(page.GetByTestId("stop")).ToHaveCountAsync(0);
        await page.GetByTestId("reasoning-summary").Last.ClickAsync();
        findings.AddRange(await CheckAsync(page, $"{who} chat/<conversation>"));
        await page.Context.CloseAsync();
        return findings;
    }

    private async Task<IPage> NewPageAsync(ColorScheme scheme)
    {
        var context = await app.Browser.NewContextAsync(new() { BaseURL = app.BaseAddress.ToString(), ColorScheme = scheme });
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    private static async Task<IEnumerable<string>> CheckAsync(IPage page, string where)
    {
        var violations = await AxeCore.RunAsync(page);
        return violations
            .Where(v => v.Impact is "serious" or "critical" || !AcceptedModerate.ContainsKey(v.Id))
            .Select(v => $"{where}: [{v.Impact}] {v.Id}: {v.Help}\n    {string.Join("\n    ", v.Targets)}");
    }
}
