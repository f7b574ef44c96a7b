using System.Net;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Services.Accounts;
using WebChat.Services.Security;

namespace WebChat.Tests.Unit.App.Security;

/// <summary>The login, registration and password forms against guessing: lockout, rate limits, answers that reveal nothing.</summary>
public sealed class SignInProtectionTests
{
    private const string LockedWords = "This account is locked after 5 wrong passwords";

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_and_then_the_right_one_is_refused_too()
    {
        await using var app = new WebChatAppFactory();
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        using var client = AccountForms.NewClient(app);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var wrong = await AccountForms.PostLoginAsync(client, "admin@example.test", "wrong-" + attempt);
            Assert.Contains(AccountSignIn.WrongCredentialsMessage, await AccountForms.TextAsync(wrong), StringComparison.Ordinal);
        }

        using var fifth = await AccountForms.PostLoginAsync(client, "admin@example.test", "wrong-5");
        using var right = await AccountForms.PostLoginAsync(client, "admin@example.test", AccountForms.Password);

        Assert.Contains(LockedWords, await AccountForms.TextAsync(fifth), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains(LockedWords, await AccountForms.TextAsync(right), StringComparison.Ordinal);
        Assert.DoesNotContain(right.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal) && !v.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task An_unknown_account_gets_the_same_answers_as_a_wrong_password_including_the_lockout()
    {
        await using var app = new WebChatAppFactory();
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        using var client = AccountForms.NewClient(app);

        var answers = new List<string>();
        for (var attempt = 1; attempt <= 6; attempt++)
        {
            using var response = await AccountForms.PostLoginAsync(client, "nobody@example.test", "wrong");
            answers.Add(Message(await AccountForms.TextAsync(response)));
        }

        Assert.All(answers.Take(4), a => Assert.Equal(AccountSignIn.WrongCredentialsMessage, a));
        Assert.All(answers.Skip(4), a => Assert.Equal(LockedWords, a));
    }

    [Fact]
    public async Task Posts_from_one_address_past_the_limit_get_429_and_are_counted()
    {
        await using var app = new WebChatAppFactory(new Dictionary<string, string?> { ["WebChat:Security:AttemptsPerAddress"] = "3" });
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        using var client = AccountForms.NewClient(app);

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 4; attempt++)
        {
            using var response = await AccountForms.PostLoginAsync(client, $"guess{attempt}@example.test", "wrong");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal(AccountFormLimits.ThrottledMessage, await response.Content.ReadAsStringAsync());
            }
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        var counts = await app.Services.GetRequiredService<SecurityEventLog>().CountSinceAsync(DateTime.UtcNow.AddHours(-1));
        Assert.Equal(1, counts.Throttled);
        Assert.Equal(3, counts.FailedSignIns);
    }

    [Fact]
    public async Task Attempts_naming_one_account_past_its_limit_are_refused_from_any_address()
    {
        await using var app = new WebChatAppFactory(new Dictionary<string, string?> { ["WebChat:Security:AttemptsPerAccount"] = "2" });
        await AccountForms.CreateAccountAsync(app, "admin@example.test");

        var messages = new List<string>();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var client = AccountForms.NewClient(app);
            using var response = await AccountForms.PostLoginAsync(client, "ADMIN@example.test", attempt == 2 ? AccountForms.Password : "wrong");
            messages.Add(Message(await AccountForms.TextAsync(response)));
        }

        Assert.Equal(AccountSignIn.ThrottledMessage, messages[2]);
    }

    [Fact]
    public async Task Registering_a_taken_email_does_not_say_that_it_is_taken()
    {
        await using var app = new WebChatAppFactory();
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        using var client = AccountForms.NewClient(app);

        using var response = await AccountForms.PostFormAsync(client, "/Account/Register", "register", new()
        {
            ["Input.Email"] = "admin@example.test",
            ["Input.Password"] = "Another1!",
            ["Input.ConfirmPassword"] = "Another1!",
        });

        var text = await AccountForms.TextAsync(response);
        Assert.Contains(UserRegistration.NotCreatedMessage, text, StringComparison.Ordinal);
        Assert.DoesNotContain("taken", text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_disabled_account_with_the_right_password_is_told_so_and_not_signed_in()
    {
        await using var app = new WebChatAppFactory();
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        var userId = await AccountForms.CreateAccountAsync(app, "user@example.test");
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<AccountControl>().DisableAsync(Actors.Admin, userId)).Succeeded);
        }

        using var client = AccountForms.NewClient(app);
        using var wrong = await AccountForms.PostLoginAsync(client, "user@example.test", "wrong");
        using var right = await AccountForms.PostLoginAsync(client, "user@example.test", AccountForms.Password);

        Assert.Equal(AccountSignIn.WrongCredentialsMessage, Message(await AccountForms.TextAsync(wrong)));
        Assert.Equal(AccountSignIn.DisabledMessage, Message(await AccountForms.TextAsync(right)));
    }

    [Fact]
    public async Task With_approval_needed_a_new_account_is_told_it_waits_and_cannot_sign_in_until_approved()
    {
        await using var app = new WebChatAppFactory();
        await AccountForms.CreateAccountAsync(app, "admin@example.test");
        await app.Services.GetRequiredService<RegistrationPolicy>().SetModeAsync(Actors.Admin, RegistrationMode.ApprovalNeeded);
        using var client = AccountForms.NewClient(app);

        using var registered = await AccountForms.PostFormAsync(client, "/Account/Register", "register", new()
        {
            ["Input.Email"] = "newcomer@example.test",
            ["Input.Password"] = AccountForms.Password,
            ["Input.ConfirmPassword"] = AccountForms.Password,
        });
        using var wrong = await AccountForms.PostLoginAsync(client, "newcomer@example.test", "wrong");
        using var right = await AccountForms.PostLoginAsync(client, "newcomer@example.test", AccountForms.Password);

        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Contains(UserRegistration.PendingApprovalMessage, await AccountForms.TextAsync(registered), StringComparison.Ordinal);
        Assert.False(SetsSignInCookie(registered), "a waiting account must not be signed in by registering");
        Assert.Equal(AccountSignIn.WrongCredentialsMessage, Message(await AccountForms.TextAsync(wrong)));
        Assert.Equal(AccountSignIn.PendingApprovalMessage, Message(await AccountForms.TextAsync(right)));
        Assert.False(SetsSignInCookie(right));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<WebChat.Data.Entities.ApplicationUser>>();
            var waiting = await users.FindByEmailAsync("newcomer@example.test");
            Assert.True((await scope.ServiceProvider.GetRequiredService<AccountControl>().ApproveAsync(Actors.Admin, waiting!.Id)).Succeeded);
        }

        await AccountForms.SignInAsync(client, "newcomer@example.test");
    }

    private static bool SetsSignInCookie(HttpResponseMessage response) =>
        response.Headers.Any(h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal)
            && !v.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Which of the sign-in answers the page shows (exactly one must show).</summary>
    private static string Message(string pageText)
    {
        string[] known = [AccountSignIn.WrongCredentialsMessage, AccountSignIn.ThrottledMessage, AccountSignIn.DisabledMessage, AccountSignIn.PendingApprovalMessage, LockedWords];
        return Assert.Single(known, m => pageText.Contains("Error: " + m, StringComparison.Ordinal));
    }
}
