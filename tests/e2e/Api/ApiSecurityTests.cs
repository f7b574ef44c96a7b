using System.Net.Http.Headers;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data.Entities;
using WebChat.Services.ApiKeys;

namespace WebChat.Tests.E2E.Api;

/// <summary>Who gets into /v1: only one valid bearer key of an account that may still act, checked on every request.</summary>
public sealed class ApiSecurityTests : IClassFixture<ApiAppFixture>
{
    private readonly ApiAppFixture app;

    public ApiSecurityTests(ApiAppFixture app)
    {
        this.app = app;
        app.ResetEngine();
    }

    [Fact]
    public async Task No_key_is_a_401_on_every_route()
    {
        using var client = app.ApiClient(key: null);

        foreach (var response in new[]
                 {
                     await client.GetAsync("models"),
                     await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: true)),
                     await ApiWire.PostJsonAsync(client, "completions", """{"model":"local/scripted.gguf","prompt":"x"}"""),
                 })
        {
            var error = await ApiWire.AssertErrorAsync(response, 401);
            Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
    }

    [Fact]
    public async Task A_wrong_or_malformed_key_is_a_401()
    {
        var user = await app.CreateUserWithKeyAsync();
        foreach (var header in new[] { "Bearer wc-not-a-key", "Basic " + user.Key, user.Key, "Bearer " + user.Key + "x", "Bearer " })
        {
            using var client = app.ApiClient(key: null);
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", header);

            using var response = await client.GetAsync("models");

            await ApiWire.AssertErrorAsync(response, 401);
        }
    }

    [Fact]
    public async Task A_revoked_key_stops_working_at_the_next_request()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);
        Assert.Equal(200, (int)(await client.GetAsync("models")).StatusCode);

        Assert.True(await app.Services.GetRequiredService<ApiKeyService>().RevokeAsync(user.UserId, actorIsAdmin: false, user.KeyId));

        await ApiWire.AssertErrorAsync(await client.GetAsync("models"), 401);
    }

    [Fact]
    public async Task Nobody_but_the_owner_or_an_admin_can_revoke_a_key()
    {
        var owner = await app.CreateUserWithKeyAsync();
        var other = await app.CreateUserWithKeyAsync();
        var keys = app.Services.GetRequiredService<ApiKeyService>();

        Assert.False(await keys.RevokeAsync(other.UserId, actorIsAdmin: false, owner.KeyId));
        using var client = app.ApiClient(owner.Key);
        Assert.Equal(200, (int)(await client.GetAsync("models")).StatusCode);
        Assert.DoesNotContain(await keys.ListAsync(other.UserId), k => k.Id == owner.KeyId);

        Assert.True(await keys.RevokeAsync(other.UserId, actorIsAdmin: true, owner.KeyId));
        await ApiWire.AssertErrorAsync(await client.GetAsync("models"), 401);
    }

    [Fact]
    public async Task A_disabled_or_deleted_account_loses_its_keys_at_once_and_a_sign_in_lockout_does_not()
    {
        var disabled = await app.CreateUserWithKeyAsync();
        var deleted = await app.CreateUserWithKeyAsync();
        var lockedOut = await app.CreateUserWithKeyAsync();
        var deletedKeepingChats = await app.CreateUserWithKeyAsync();
        using var disabledClient = app.ApiClient(disabled.Key);
        using var deletedClient = app.ApiClient(deleted.Key);
        using var lockedOutClient = app.ApiClient(lockedOut.Key);
        using var keptClient = app.ApiClient(deletedKeepingChats.Key);
        foreach (var client in new[] { disabledClient, deletedClient, lockedOutClient, keptClient })
        {
            Assert.Equal(200, (int)(await client.GetAsync("models")).StatusCode);
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var accounts = scope.ServiceProvider.GetRequiredService<WebChat.Services.Accounts.AccountControl>();
            Assert.True((await accounts.DisableAsync(Actors.Admin, disabled.UserId)).Succeeded);
            Assert.True((await accounts.DeleteAsync(Actors.Admin, deletedKeepingChats.UserId, keepConversations: true)).Succeeded);
            var toLock = await users.FindByIdAsync(lockedOut.UserId);
            await users.SetLockoutEnabledAsync(toLock!, true);
            await users.SetLockoutEndDateAsync(toLock!, DateTimeOffset.MaxValue);
            await users.DeleteAsync((await users.FindByIdAsync(deleted.UserId))!);
        }

        await ApiWire.AssertErrorAsync(await disabledClient.GetAsync("models"), 401);
        await ApiWire.AssertErrorAsync(await ApiWire.PostJsonAsync(disabledClient, "chat/completions", ApiWire.ChatBody(stream: true)), 401);
        await ApiWire.AssertErrorAsync(await deletedClient.GetAsync("models"), 401);
        // A lockout is what anyone who knows the e-mail can cause: it must not turn the account's integrations off.
        Assert.Equal(200, (int)(await lockedOutClient.GetAsync("models")).StatusCode);
        await ApiWire.AssertErrorAsync(await keptClient.GetAsync("models"), 401);
    }

    [Fact]
    public async Task Disabling_an_account_ends_its_api_stream_being_written_with_the_reason()
    {
        var user = await app.CreateUserWithKeyAsync();
        app.Engine.TokenDelay = TimeSpan.FromMilliseconds(50);
        app.Engine.Script = _ => Enumerable.Repeat("word ", 2_000);
        using var client = app.ApiClient(user.Key);
        using var request = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(ApiWire.ChatBody(stream: true)) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = ApiWire.ReadEventsAsync(await response.Content.ReadAsStreamAsync()).GetAsyncEnumerator();
        Assert.True(await events.MoveNextAsync()); // the role chunk: the answer is being written

        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<WebChat.Services.Accounts.AccountControl>().DisableAsync(Actors.Admin, user.UserId)).Succeeded);
        }

        var rest = new List<string>();
        while (await events.MoveNextAsync())
        {
            rest.Add(events.Current);
        }

        await events.DisposeAsync();
        app.Engine.TokenDelay = TimeSpan.Zero;
        Assert.True(rest.Count < 1_000, $"{rest.Count} more events: the answer went on");
        Assert.Contains(rest, e => e.Contains(WebChat.Services.Accounts.AccountAnswerStops.Reason, StringComparison.Ordinal));
        var record = Assert.Single(await app.UsageOfAsync(user.UserId));
        Assert.Equal("Cancelled", record.FinishReason);
    }

    [Fact]
    public async Task A_second_authorization_header_or_a_key_elsewhere_bypasses_nothing()
    {
        var user = await app.CreateUserWithKeyAsync();

        // Two Authorization headers, one valid: refused, not "the first one wins".
        using var twoHeaders = new HttpRequestMessage(HttpMethod.Get, "models");
        twoHeaders.Headers.TryAddWithoutValidation("Authorization", ["Bearer " + user.Key, "Bearer wc-forged"]);
        using var client = app.ApiClient(key: null);
        await ApiWire.AssertErrorAsync(await client.SendAsync(twoHeaders), 401);

        using var invalidFirst = new HttpRequestMessage(HttpMethod.Get, "models");
        invalidFirst.Headers.TryAddWithoutValidation("Authorization", ["Bearer wc-forged", "Bearer " + user.Key]);
        await ApiWire.AssertErrorAsync(await client.SendAsync(invalidFirst), 401);

        // The key anywhere but the Authorization header counts for nothing.
        await ApiWire.AssertErrorAsync(await client.GetAsync("models?api_key=" + Uri.EscapeDataString(user.Key)), 401);
        using var otherHeaders = new HttpRequestMessage(HttpMethod.Get, "models");
        otherHeaders.Headers.TryAddWithoutValidation("X-Api-Key", user.Key);
        otherHeaders.Headers.TryAddWithoutValidation("Api-Key", user.Key);
        otherHeaders.Headers.TryAddWithoutValidation("Proxy-Authorization", "Bearer " + user.Key);
        await ApiWire.AssertErrorAsync(await client.SendAsync(otherHeaders), 401);
    }

    [Fact]
    public async Task A_signed_in_browser_cookie_does_not_open_the_api()
    {
        var page = await app.NewPageAsync();
        await WebChat.Tests.E2E.Infrastructure.WebChatAppFixture.RegisterAsync(page, WebChat.Tests.E2E.Infrastructure.WebChatAppFixture.UniqueEmail());

        var response = await page.APIRequest.GetAsync("v1/models");

        Assert.Equal(401, response.Status);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Another_users_key_sees_no_trace_of_your_usage()
    {
        var alice = await app.CreateUserWithKeyAsync();
        var bob = await app.CreateUserWithKeyAsync();
        app.Engine.Script = request => [$"secret answer for {request.Messages[^1].Content}"];
        using var aliceClient = app.ApiClient(alice.Key);
        using var bobClient = app.ApiClient(bob.Key);
        using var aliceAnswer = await ApiWire.PostJsonAsync(aliceClient, "chat/completions",
            """{"model":"local/scripted.gguf","messages":[{"role":"user","content":"alice-private-question"}]}""");
        Assert.Equal(200, (int)aliceAnswer.StatusCode);

        var bobModels = await (await bobClient.GetAsync("models")).Content.ReadAsStringAsync();
        using var bobAnswer = await ApiWire.PostJsonAsync(bobClient, "chat/completions",
            """{"model":"local/scripted.gguf","messages":[{"role":"user","content":"bob-question"}]}""");
        var bobText = await bobAnswer.Content.ReadAsStringAsync();

        Assert.DoesNotContain("alice", bobModels, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("alice", bobText, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("bob-question", bobText, StringComparison.Ordinal);
        // The engine got Bob's turn alone: the API keeps no server-side conversation that could carry Alice's.
        Assert.Equal(["bob-question"], app.Engine.Requests[^1].Messages.Select(m => m.Content));
        Assert.All(await app.UsageOfAsync(bob.UserId), r => Assert.Equal(bob.KeyId, r.ApiKeyId));
        Assert.Equal(alice.KeyId, Assert.Single(await app.UsageOfAsync(alice.UserId)).ApiKeyId);
    }
}
