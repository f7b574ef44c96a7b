using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;

namespace WebChat.Tests.E2E.Infrastructure;

/// <summary>One accessibility finding of axe-core on a page.</summary>
public sealed record AxeViolation(string Id, string Impact, string Help, IReadOnlyList<string> Targets);

/// <summary>
/// axe-core (npm) run in the page. The package is installed once into a cache folder
/// (<c>$WEBCHAT_AXE_DIR</c>, else <c>~/.cache/webchat/axe-core</c>) with npm, the ordinary client of its registry.
/// </summary>
public static class AxeCore
{
    public const string Version = "4.14.1";

    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    private static string Folder => Environment.GetEnvironmentVariable("WEBCHAT_AXE_DIR") is { Length: > 0 } folder
        ? folder
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "webchat", "axe-core");

    private static string ScriptPath => Path.Combine(Folder, "node_modules", "axe-core", "axe.min.js");

    /// <summary>Runs axe on the page as it is now and returns every violation.</summary>
    public static async Task<IReadOnlyList<AxeViolation>> RunAsync(IPage page)
    {
        // The settled page is what is checked: a colour caught half-way through a theme or hover transition is not.
        await page.AddStyleTagAsync(new() { Content = "*, *::before, *::after { transition: none !important; animation: none !important; }" });
        // Evaluated through the DevTools protocol, which the app's CSP (script-src 'self') does not govern; a script tag would be blocked.
        await page.EvaluateAsync(await File.ReadAllTextAsync(await EnsureInstalledAsync()));
        var json = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { resultTypes: ['violations'] });
              return result.violations.map(v => ({
                id: v.id, impact: v.impact ?? 'unknown', help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 200))
              }));
            }
            """);
        return [.. json.EnumerateArray().Select(v => new AxeViolation(
            v.GetProperty("id").GetString()!,
            v.GetProperty("impact").GetString()!,
            v.GetProperty("help").GetString()!,
            [.. v.GetProperty("targets").EnumerateArray().Select(t => t.GetString()!)]))];
    }

    private static async Task<string> EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (!File.Exists(ScriptPath))
            {
                await NpmInstallAsync();
            }

            return File.Exists(ScriptPath) ? ScriptPath : throw new InvalidOperationException($"axe-core was not installed into {Folder}.");
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task NpmInstallAsync()
    {
        Directory.CreateDirectory(Folder);
        var npm = new ProcessStartInfo("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--prefix", Folder, $"axe-core@{Version}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(npm) ?? throw new InvalidOperationException("npm could not be started; install Node.js or set WEBCHAT_AXE_DIR.");
        var errors = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm install axe-core@{Version} failed: {await errors}");
        }
    }
}
