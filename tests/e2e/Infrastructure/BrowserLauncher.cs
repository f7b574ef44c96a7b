using Microsoft.Playwright;

namespace WebChat.Tests.E2E.Infrastructure;

/// <summary>
/// Headless Chromium: Debian's /usr/bin/chromium when present, else Playwright's own build, installing it
/// with Playwright's installer when neither is there (that step needs internet).
/// </summary>
internal static class BrowserLauncher
{
    private const string SystemChromium = "/usr/bin/chromium";

    private static readonly string[] ChromiumFlags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (File.Exists(SystemChromium))
        {
            return await playwright.Chromium.LaunchAsync(new() { ExecutablePath = SystemChromium, Headless = true, Args = ChromiumFlags });
        }

        try
        {
            return await LaunchBundledAsync(playwright);
        }
        catch (PlaywrightException e) when (e.Message.Contains("Executable doesn't exist", StringComparison.OrdinalIgnoreCase))
        {
            var exitCode = Microsoft.Playwright.Program.Main(["install", "chromium"]);
            if (exitCode != 0)
            {
                throw new InvalidOperationException(
                    $"No Chromium found at {SystemChromium} and Playwright's installer failed (exit code {exitCode}). Install the 'chromium' package.", e);
            }

            return await LaunchBundledAsync(playwright);
        }
    }

    private static Task<IBrowser> LaunchBundledAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new() { Headless = true, Args = ChromiumFlags });
}
