using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Services.ApiKeys;

namespace WebChat.Tests.Unit.App.Security;

/// <summary>Wrong API keys are throttled per client address, now that a sign-in lockout no longer stops keys.</summary>
public sealed class ApiKeyThrottleTests
{
    [Fact]
    public async Task An_address_that_sent_too_many_wrong_keys_gets_429_for_every_key_until_the_window_moves_on()
    {
        await using var app = new WebChatAppFactory(new Dictionary<string, string?> { ["WebChat:Security:ApiKeyFailuresPerAddress"] = "3" });
        var userId = await AccountForms.CreateAccountAsync(app, "admin@example.test");
        var key = await app.Services.GetRequiredService<ApiKeyService>().CreateAsync(userId, "integration");
        using var client = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        foreach (var secret in new[] { key.Secret, "wc-guess-1", "wc-guess-2", "wc-guess-3", "wc-guess-4", key.Secret })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/v1/models", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
            using var response = await client.SendAsync(request);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests],
            statuses);
    }
}
