using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Services.Accounts;

namespace WebChat.Tests.Unit.App.Security;

/// <summary>
/// The first account becomes the admin, so on a fresh install it can be created only from the server itself or with the
/// one-time setup link the app logs at start: whoever reaches a new instance from the LAN first must not own it.
/// </summary>
public sealed class FirstAdminTests
{
    [Fact]
    public async Task From_another_computer_the_first_account_is_refused_and_the_page_says_how_to_get_the_setup_link()
    {
        await using var app = new WebChatAppFactory();
        using var client = AccountForms.NewClient(app); // TestServer: not a loopback connection

        using var page = await client.GetAsync(new Uri("/Account/Register", UriKind.Relative));

        var text = await AccountForms.TextAsync(page);
        Assert.Contains(FirstAdminSetup.HowToMessage, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Input.Email", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(await app.Services.GetRequiredService<RegistrationPolicy>().IsFirstAccountPendingAsync(), "no account was created");
    }

    [Fact]
    public async Task With_the_setup_token_from_the_log_the_first_account_is_created_as_admin_and_the_token_is_spent()
    {
        await using var app = new WebChatAppFactory();
        var token = app.Services.GetRequiredService<FirstAdminSetup>().Token;
        using var wrong = AccountForms.NewClient(app);
        using var right = AccountForms.NewClient(app);

        using var guessed = await PostRegisterAsync(wrong, "/Account/Register?setup=guess", "guess@example.test");
        using var created = await PostRegisterAsync(right, $"/Account/Register?setup={token}", "owner@example.test");

        Assert.NotEqual(HttpStatusCode.Redirect, guessed.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<WebChat.Data.Entities.ApplicationUser>>();
        var owner = await users.FindByEmailAsync("owner@example.test");
        Assert.True(await users.IsInRoleAsync(owner!, Roles.Admin));
        Assert.Null(await users.FindByEmailAsync("guess@example.test"));
    }

    [Fact]
    public async Task From_loopback_the_first_account_is_created_but_not_through_a_proxy_nobody_configured()
    {
        await using var app = new WebChatAppFactory(new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
        app.UseKestrel();
        app.StartServer();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var proxied = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = address };
        // A proxy on the same host forwards a LAN client: its own loopback address must not count.
        proxied.DefaultRequestHeaders.Add("X-Forwarded-For", "192.168.1.50");
        using var local = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = address };

        using var throughProxy = await proxied.GetAsync(new Uri("/Account/Register", UriKind.Relative));
        using var onTheServer = await PostRegisterAsync(local, "/Account/Register", "admin@example.test");

        Assert.Contains(FirstAdminSetup.HowToMessage, await AccountForms.TextAsync(throughProxy), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, onTheServer.StatusCode);
    }

    private static Task<HttpResponseMessage> PostRegisterAsync(HttpClient client, string path, string email) =>
        AccountForms.PostFormAsync(client, path, "register", new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = AccountForms.Password,
            ["Input.ConfirmPassword"] = AccountForms.Password,
        });
}
