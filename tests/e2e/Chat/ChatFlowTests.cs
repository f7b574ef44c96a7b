using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Chat;

/// <summary>A person's whole conversation in Chromium against the real engine on the generated tiny model.</summary>
public sealed class ChatFlowTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    // Counts how often the streaming answer's text length changed, as the browser saw it.
    private const string CountStreamingUpdates = """
        () => {
          window.__lengths = [];
          const list = document.querySelector("[data-testid=message-list]");
          new MutationObserver(() => {
            const live = document.querySelector("[data-testid=live-answer]");
            if (!live) return;
            const length = live.textContent.length;
            if (window.__lengths.at(-1) !== length) window.__lengths.push(length);
          }).observe(list, { subtree: true, childList: true, characterData: true });
        }
        """;

    [Fact]
    public async Task Send_stream_stop_regenerate_edit_and_reload_keep_one_consistent_history_that_nobody_else_sees()
    {
        var page = await app.NewPageAsync();
        await app.SignInAsAdminAsync(page);
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("composer-disabled-reason")).ToContainTextAsync("No model is loaded");
        await SetMaxTokensAsync(page, 3000);

        // An admin loads the installed model from the picker.
        await page.GetByTestId("load-model").ClickAsync();
        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });
        await Assertions.Expect(composer).ToBeEnabledAsync(new() { Timeout = 60_000 });

        // Send: the answer streams in several steps; Stop keeps the partial answer, marked stopped.
        var answer = await SendAndStopAsync(page, composer);
        await Assertions.Expect(answer.GetByTestId("stopped-badge")).ToBeVisibleAsync();
        var conversationId = Guid.Parse(page.Url.Split('/').Last());
        var stopped = (await MessagesAsync(conversationId)).Last();
        Assert.Equal(MessageStatus.Stopped, stopped.Status);
        Assert.NotEmpty(stopped.Content);
        Assert.True(stopped.Content.Length < 3000 * 16, "the answer was cut short");

        // Regenerate replaces the stopped answer.
        await SetOverrideMaxTokensAsync(page, 40);
        await answer.GetByRole(AriaRole.Button, new() { Name = "Regenerate" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete", new() { Timeout = 60_000 });
        var afterRegenerate = await MessagesAsync(conversationId);
        Assert.Equal([MessageRole.User, MessageRole.Assistant], afterRegenerate.Select(m => m.Role));
        Assert.NotEqual(stopped.Id, afterRegenerate[1].Id);
        Assert.InRange(afterRegenerate[1].CompletionTokens ?? 0, 1, 40);
        await Assertions.Expect(page.GetByTestId("message-stats").Last).ToContainTextAsync("tok/s");

        // A second turn, then editing the first question replaces everything after it.
        await composer.FillAsync("And then?");
        await composer.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete", new() { Timeout = 60_000 });
        await page.GetByTestId("message").First.GetByRole(AriaRole.Button, new() { Name = "Edit message" }).ClickAsync();
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Edit message" }).FillAsync("Tell me a short story instead");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and send" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete", new() { Timeout = 60_000 });
        var shownBeforeReload = await page.GetByTestId("message").Last.Locator(".markdown-body").InnerTextAsync();

        // A reload shows the same history from the database.
        await page.ReloadAsync();
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        var messages = page.GetByTestId("message");
        await Assertions.Expect(messages).ToHaveCountAsync(2);
        await Assertions.Expect(messages.First).ToContainTextAsync("Tell me a short story instead");
        Assert.Equal(shownBeforeReload, await messages.Last.Locator(".markdown-body").InnerTextAsync());
        Assert.NotEmpty(shownBeforeReload.Trim());
        await Assertions.Expect(page.Locator("li.selected [data-testid=conversation-link]")).ToHaveTextAsync("Tell me a long story");

        // Another user gets not-found at the same address and does not see the conversation listed.
        var other = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(other, await app.CreateAccountAsync());
        await other.GotoAsync($"chat/{conversationId}");
        await WebChatAppFixture.WaitForInteractiveAsync(other);
        await Assertions.Expect(other.GetByTestId("conversation-not-found")).ToBeVisibleAsync();
        await Assertions.Expect(other.GetByTestId("conversation-link")).ToHaveCountAsync(0);
        await Assertions.Expect(other.GetByText("Tell me a short story instead")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Sends a question and presses Stop once the answer has streamed a few steps. The tiny model has random
    /// weights, so it may emit its end token before Stop lands; then the next try starts a new chat.
    /// </summary>
    private static async Task<ILocator> SendAndStopAsync(IPage page, ILocator composer)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                await page.GetByTestId("new-chat").ClickAsync();
                await page.WaitForURLAsync("**/chat");
            }

            await page.EvaluateAsync(CountStreamingUpdates);
            await composer.FillAsync("Tell me a long story");
            await composer.PressAsync("Enter");
            await page.WaitForURLAsync("**/chat/*");
            await page.WaitForFunctionAsync("() => window.__lengths.length >= 4 || (window.__lengths.length > 0 && !document.querySelector('[data-testid=live-answer]'))", null, new() { Timeout = 30_000 });
            var lengths = await page.EvaluateAsync<int[]>("() => window.__lengths");
            try
            {
                await page.GetByTestId("stop").ClickAsync(new() { Timeout = 1_000 });
            }
            catch (TimeoutException) when (attempt < 3)
            {
                continue; // The answer ended by itself before Stop.
            }

            var answer = page.GetByTestId("message").Last;
            await Assertions.Expect(answer).Not.ToHaveAttributeAsync("data-status", "Streaming");
            if (await answer.GetAttributeAsync("data-status") == "Stopped" || attempt == 3)
            {
                Assert.True(lengths.Distinct().Count(l => l > 0) >= 3, $"the answer appeared in {lengths.Length} step(s)");
                await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "Stopped");
                return answer;
            }
        }
    }

    private static async Task SetMaxTokensAsync(IPage page, int maxTokens)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await page.GetByLabel("Max tokens").FillAsync(maxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("save-settings").ClickAsync();
        await Assertions.Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Chat" }).ClickAsync();
    }

    private static async Task SetOverrideMaxTokensAsync(IPage page, int maxTokens)
    {
        await page.GetByTestId("open-overrides").ClickAsync();
        await page.GetByTestId("overrides-drawer").GetByLabel("Max tokens").FillAsync(maxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("save-overrides").ClickAsync();
        await Assertions.Expect(page.GetByText("Saved for this conversation.")).ToBeVisibleAsync();
    }

    private async Task<List<Message>> MessagesAsync(Guid conversationId)
    {
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.Sequence).ToListAsync();
    }
}
