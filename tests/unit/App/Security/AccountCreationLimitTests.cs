using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WebChat.Configuration;
using WebChat.Services.Accounts;
using WebChat.Services.Security;

namespace WebChat.Tests.Unit.App.Security;

/// <summary>One client address may create only WebChat:Security:AccountsPerAddressPerHour accounts an hour.</summary>
public sealed class AccountCreationLimitTests
{
    [Fact]
    public async Task The_register_form_refuses_an_address_past_its_hourly_accounts_with_words_and_creates_nothing()
    {
        await using var app = new WebChatAppFactory(new Dictionary<string, string?> { ["WebChat:Security:AccountsPerAddressPerHour"] = "2" });
        await AccountForms.CreateAccountAsync(app, "admin@example.test"); // from inside the server: not counted
        using var client = AccountForms.NewClient(app);

        var statuses = new List<HttpStatusCode>();
        string lastPage = "";
        foreach (var email in new[] { "one@example.test", "two@example.test", "three@example.test" })
        {
            using var fresh = AccountForms.NewClient(app); // a new browser each time: no cookie from the last account
            using var response = await PostRegisterAsync(fresh, email);
            statuses.Add(response.StatusCode);
            lastPage = await AccountForms.TextAsync(response);
        }

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.OK], statuses);
        Assert.Contains(AccountCreationLimiter.RefusedMessage, lastPage, StringComparison.Ordinal);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<WebChat.Data.Entities.ApplicationUser>>();
        Assert.Null(await users.FindByEmailAsync("three@example.test"));
    }

    [Fact]
    public void Each_address_has_its_own_count_and_an_hour_later_it_may_create_again()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var limiter = new AccountCreationLimiter(Options.Create(new SecurityOptions { AccountsPerAddressPerHour = 2 }), time);

        limiter.Record("192.168.1.50");
        time.Advance(TimeSpan.FromMinutes(30));
        limiter.Record("192.168.1.50");

        Assert.False(limiter.MayCreate("192.168.1.50"));
        Assert.True(limiter.MayCreate("192.168.1.51"));
        time.Advance(TimeSpan.FromMinutes(30)); // the first is an hour old: one more fits
        Assert.True(limiter.MayCreate("192.168.1.50"));
        limiter.Record("192.168.1.50");
        Assert.False(limiter.MayCreate("192.168.1.50"));
    }

    [Fact]
    public void Zero_means_no_limit_and_a_negative_limit_stops_the_start_with_the_setting_name()
    {
        var limiter = new AccountCreationLimiter(Options.Create(new SecurityOptions { AccountsPerAddressPerHour = 0 }), TimeProvider.System);
        for (var i = 0; i < 50; i++)
        {
            limiter.Record("192.168.1.50");
        }

        Assert.True(limiter.MayCreate("192.168.1.50"));
        var invalid = new SecurityOptionsValidator().Validate(null, new SecurityOptions { AccountsPerAddressPerHour = -1 });
        Assert.Contains("WebChat:Security:AccountsPerAddressPerHour", invalid.FailureMessage, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PostRegisterAsync(HttpClient client, string email) =>
        AccountForms.PostFormAsync(client, "/Account/Register", "register", new()
        {
            ["Input.Email"] = email,
            ["Input.Password"] = AccountForms.Password,
            ["Input.ConfirmPassword"] = AccountForms.Password,
        });
}
