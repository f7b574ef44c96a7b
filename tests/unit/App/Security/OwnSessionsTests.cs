using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Services.ApiKeys;

namespace WebChat.Tests.Unit.App.Security;

/// <summary>A user ends their other sessions from the password page; the session that asked stays signed in.</summary>
public sealed class OwnSessionsTests
{
    [Fact]
    public async Task Signing_out_other_sessions_ends_them_and_keeps_this_one()
    {
        await using var app = new WebChatAppFactory();
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        await AccountForms.CreateAccountAsync(app, "user@example.test");
        using var laptop = AccountForms.NewClient(app);
        using var phone = AccountForms.NewClient(app);
        await AccountForms.SignInAsync(laptop, "user@example.test");
        await AccountForms.SignInAsync(phone, "user@example.test");

        using var done = await AccountForms.PostFormAsync(laptop, "/Account/Manage/ChangePassword", "sign-out-others", []);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync(new Uri("/settings", UriKind.Relative))).StatusCode);
        using var phoneAnswer = await phone.GetAsync(new Uri("/settings", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, phoneAnswer.StatusCode);
        Assert.Contains("/Account/Login", phoneAnswer.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_the_password_ends_the_other_sessions()
    {
        await using var app = new WebChatAppFactory();
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        await AccountForms.CreateAccountAsync(app, "user@example.test");
        using var laptop = AccountForms.NewClient(app);
        using var phone = AccountForms.NewClient(app);
        await AccountForms.SignInAsync(laptop, "user@example.test");
        await AccountForms.SignInAsync(phone, "user@example.test");

        using var done = await AccountForms.PostFormAsync(laptop, "/Account/Manage/ChangePassword", "change-password", new()
        {
            ["Input.OldPassword"] = AccountForms.Password,
            ["Input.NewPassword"] = "N3w-Passw0rd",
            ["Input.ConfirmPassword"] = "N3w-Passw0rd",
        });

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync(new Uri("/settings", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync(new Uri("/settings", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_password_change_revokes_the_users_api_keys_only_when_asked(bool revoke)
    {
        await using var app = new WebChatAppFactory();
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        var userId = await AccountForms.CreateAccountAsync(app, "user@example.test");
        var keys = app.Services.GetRequiredService<ApiKeyService>();
        var key = await keys.CreateAsync(userId, "integration");
        using var laptop = AccountForms.NewClient(app);
        await AccountForms.SignInAsync(laptop, "user@example.test");
        var fields = new Dictionary<string, string>
        {
            ["Input.OldPassword"] = AccountForms.Password,
            ["Input.NewPassword"] = "N3w-Passw0rd",
            ["Input.ConfirmPassword"] = "N3w-Passw0rd",
        };
        if (revoke)
        {
            fields["Input.RevokeApiKeys"] = "true";
        }

        using var done = await AccountForms.PostFormAsync(laptop, "/Account/Manage/ChangePassword", "change-password", fields);

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal(!revoke, await keys.AuthenticateAsync(key.Secret) is not null);
    }
}
