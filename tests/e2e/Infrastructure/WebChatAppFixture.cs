using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Services.Accounts;

namespace WebChat.Tests.E2E.Infrastructure;

/// <summary>
/// One real WebChat (Kestrel on 127.0.0.1, free port, its own temporary data directory and SQLite file) plus one
/// headless Chromium, shared by the tests of a class.
/// Use it as <c>IClassFixture&lt;WebChatAppFixture&gt;</c> (a fresh app per test class), or subclass it to change
/// the app: override <see cref="Settings"/> for configuration keys, <see cref="ConfigureWebHost"/> to replace
/// services (e.g. the inference engine). In a test: <c>var page = await fixture.NewPageAsync();</c> gives a page
/// in its own browser context (own cookies); sign in with <see cref="SignInAsAdminAsync"/>,
/// <see cref="RegisterAsync"/> or <see cref="LogInAsync"/>; call <see cref="WaitForInteractiveAsync"/> before
/// clicking anything that needs the circuit.
/// </summary>
public class WebChatAppFixture : IAsyncLifetime
{
    public const string Password = "Passw0rd!";

    private readonly Lazy<Task<string>> adminAccount;
    private WebChatFactory? factory;
    private IPlaywright? playwright;

    public WebChatAppFixture() => adminAccount = new(CreateAdminAsync);

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "webchat-e2e-" + Guid.NewGuid().ToString("N"));

    public Uri BaseAddress { get; private set; } = default!;

    public IBrowser Browser { get; private set; } = default!;

    /// <summary>The app's services, for arranging data directly (e.g. a scope with WebChatDbContext).</summary>
    public IServiceProvider Services => factory?.Services ?? throw new InvalidOperationException("The app is not started.");

    /// <summary>Configuration keys applied to the app (e.g. "WebChat:AllowRegistration").</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Hook to replace services or settings of the app under test.</summary>
    protected virtual void ConfigureWebHost(IWebHostBuilder builder)
    {
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDirectory);
        factory = new WebChatFactory(DataDirectory, Settings, ConfigureWebHost).StartOnLoopback();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First());
        Assertions.SetDefaultExpectTimeout(30_000);
        playwright = await Playwright.CreateAsync();
        Browser = await BrowserLauncher.LaunchAsync(playwright);
    }

    /// <summary>Stops the app and starts it again on the same data directory (same database and models), as an operator's restart does.</summary>
    public async Task RestartAppAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        factory = new WebChatFactory(DataDirectory, Settings, ConfigureWebHost).StartOnLoopback();
        var addresses = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        BaseAddress = new Uri(addresses.Addresses.First());
    }

    /// <summary>A page in a fresh browser context: no cookies, so nobody is signed in.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString() });
        // Generous: two cores shared by the app, Chromium and the test run (and other builds on a dev machine).
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>Waits until the page's circuit is connected (the layout sets data-interactive="true").</summary>
    public static Task WaitForInteractiveAsync(IPage page) =>
        page.Locator("[data-interactive='true']").WaitForAsync();

    /// <summary>
    /// Waits until the address is a conversation's (/chat/{id}), or the new-chat page with <paramref name="conversation"/> false.
    /// The chat changes its address in the same document (pushState), which WaitForURL sometimes misses; this polls.
    /// </summary>
    public static Task WaitForChatAddressAsync(IPage page, bool conversation = true) =>
        page.WaitForFunctionAsync(conversation ? @"() => /\/chat\/[^/]+$/.test(location.pathname)" : "() => location.pathname.endsWith('/chat')",
            null, new() { PollingInterval = 50 });

    public static string UniqueEmail(string name = "user") => $"{name}-{Guid.NewGuid().ToString("N")[..8]}@example.test";

    /// <summary>Registers through the page, as a person would, and waits for the chat page.</summary>
    public static async Task RegisterAsync(IPage page, string email, string password = Password)
    {
        await page.GotoAsync("Account/Register");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register" }).ClickAsync();
        await page.WaitForURLAsync("**/chat");
    }

    /// <summary>Logs in through the login page and waits for the chat page.</summary>
    public static async Task LogInAsync(IPage page, string email, string password = Password)
    {
        await page.GotoAsync("Account/Login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        await page.WaitForURLAsync("**/chat");
    }

    /// <summary>Creates an account without the browser (first one is Admin, as in the app) and returns its email.</summary>
    public async Task<string> CreateAccountAsync(string? email = null)
    {
        email ??= UniqueEmail();
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync(email, Password);
        return result.Succeeded ? email : throw new InvalidOperationException(string.Join(" ", result.Errors));
    }

    private async Task<string> CreateAdminAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<UserRegistration>().RegisterAsync(UniqueEmail("admin"), Password);
        return result is { Succeeded: true, Role: Roles.Admin }
            ? result.User!.Email!
            : throw new InvalidOperationException("SignInAsAdminAsync must run before any other account exists in this fixture's app.");
    }

    /// <summary>Creates the admin (the app's first account) once per fixture, and signs the page in as it.</summary>
    public async Task<string> SignInAsAdminAsync(IPage page)
    {
        var adminEmail = await adminAccount.Value;
        await LogInAsync(page, adminEmail);
        return adminEmail;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open must not fail the run; the OS cleans its temp folder.
        }

        GC.SuppressFinalize(this);
    }
}
