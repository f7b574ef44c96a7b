using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Services.Chat;
using WebChat.Services.Quotas;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Api;

/// <summary>The admin's per-user limits hold for the API and the chat page alike, counted together.</summary>
public sealed class QuotaTests : IClassFixture<ApiAppFixture>
{
    private readonly ApiAppFixture app;

    public QuotaTests(ApiAppFixture app)
    {
        this.app = app;
        app.ResetEngine();
    }

    private QuotaService Quotas => app.Services.GetRequiredService<QuotaService>();

    [Fact]
    public async Task Requests_over_the_per_minute_limit_get_429_with_retry_after_and_the_chat_page_is_held_to_the_same_count()
    {
        var user = await app.CreateUserWithKeyAsync();
        await Quotas.SetAsync(Actors.Admin, user.UserId, requestsPerMinute: 2, tokensPerDay: null, concurrentRequests: null);
        using var client = app.ApiClient(user.Key);

        using var first = await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: false));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // The chat page's send is the second request of the minute.
            await scope.ServiceProvider.GetRequiredService<GenerationService>().SendAsync(user.UserId, null, "from the chat page");
        }

        using var third = await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: true));

        Assert.Equal(200, (int)first.StatusCode);
        var error = await ApiWire.AssertErrorAsync(third, 429);
        Assert.Equal("quota_exceeded", error.GetProperty("code").GetString());
        Assert.Equal("rate_limit_error", error.GetProperty("type").GetString());
        Assert.InRange(third.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var generations = scope.ServiceProvider.GetRequiredService<GenerationService>();
            await Assert.ThrowsAsync<QuotaExceededException>(() => generations.SendAsync(user.UserId, null, "over the limit"));
        }
    }

    [Fact]
    public async Task A_second_request_at_once_over_the_concurrency_limit_gets_429_until_the_first_ends()
    {
        var user = await app.CreateUserWithKeyAsync();
        await Quotas.SetAsync(Actors.Admin, user.UserId, requestsPerMinute: null, tokensPerDay: null, concurrentRequests: 1);
        using var client = app.ApiClient(user.Key);
        app.Engine.TokenDelay = TimeSpan.FromMilliseconds(200);

        using var slow = new HttpRequestMessage(HttpMethod.Post, "chat/completions") { Content = new StringContent(ApiWire.ChatBody(stream: true)) };
        using (var running = await client.SendAsync(slow, HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(200, (int)running.StatusCode);
            using var second = await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: false));
            Assert.Equal("quota_exceeded", (await ApiWire.AssertErrorAsync(second, 429)).GetProperty("code").GetString());
            await running.Content.ReadAsStringAsync(); // let the first finish
        }

        await Eventually.TrueAsync(async () => (await Quotas.GetStandingAsync(user.UserId)).Running == 0);
        app.Engine.TokenDelay = TimeSpan.Zero;
        using var after = await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: false));
        Assert.Equal(200, (int)after.StatusCode);
    }

    [Fact]
    public async Task The_daily_token_limit_counts_api_and_chat_usage_and_the_chat_page_says_so()
    {
        var user = await app.CreateUserWithKeyAsync();
        // Each scripted answer costs 12 prompt + 4 completion tokens: two answers use 32 of 40.
        await Quotas.SetAsync(Actors.Admin, user.UserId, requestsPerMinute: null, tokensPerDay: 40, concurrentRequests: null);
        using var client = app.ApiClient(user.Key);
        using var first = await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: false));
        using var second = await ApiWire.PostJsonAsync(client, "completions", """{"model":"local/scripted.gguf","prompt":"x"}""");
        Assert.Equal(200, (int)second.StatusCode);

        // In the browser: the chat shows what is left, and the answer that crosses the limit is the last one.
        var page = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(page, user.Email);
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("quota-notice")).ToContainTextAsync("8 of 40 tokens left today");
        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });
        await composer.FillAsync("One more");
        await composer.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");
        await Assertions.Expect(page.GetByTestId("quota-notice")).ToContainTextAsync("0 of 40 tokens left today");
        await composer.FillAsync("And another");
        await composer.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("chat-error")).ToContainTextAsync("You have used your 40 tokens for today");
        await page.Context.CloseAsync();

        using var refused = await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: false));
        await ApiWire.AssertErrorAsync(refused, 429);
        Assert.True(refused.Headers.RetryAfter!.Delta <= TimeSpan.FromDays(1));
    }
}
