using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Chat;

/// <summary>A person's conversation in Chromium against the real engine on the generated tiny model, one behaviour per test.</summary>
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
    public async Task An_admin_loads_the_installed_model_from_the_picker_and_the_composer_opens()
    {
        await app.Services.GetRequiredService<IInferenceEngine>().UnloadAsync();
        var page = await SignedInAdminAsync();
        await Assertions.Expect(page.GetByTestId("composer-disabled-reason")).ToContainTextAsync("No model is loaded");

        await page.GetByTestId("load-model").ClickAsync();

        await Assertions.Expect(Composer(page)).ToBeEnabledAsync(new() { Timeout = 60_000 });
    }

    [Fact]
    public async Task An_answer_streams_in_steps_and_stop_keeps_the_partial_answer_marked_stopped()
    {
        var page = await ReadyPageAsync(maxTokens: 3000);

        var answer = await SendAndStopAsync(page, Composer(page));

        await Assertions.Expect(answer.GetByTestId("stopped-badge")).ToBeVisibleAsync();
        var stopped = (await MessagesAsync(ConversationOf(page))).Last();
        Assert.Equal(MessageStatus.Stopped, stopped.Status);
        Assert.NotEmpty(stopped.Content);
        Assert.True(stopped.Content.Length < 3000 * 16, "the answer was cut short");
    }

    [Fact]
    public async Task Regenerate_replaces_the_last_answer_with_a_new_one_and_its_stats()
    {
        var page = await ReadyPageAsync(maxTokens: 40);
        await SendAndWaitAsync(page, "Tell me a long story", expectedMessages: 2);
        var conversationId = ConversationOf(page);
        var first = (await MessagesAsync(conversationId))[1];

        await page.GetByTestId("message").Last.GetByRole(AriaRole.Button, new() { Name = "Regenerate" }).ClickAsync();

        await Eventually.TrueAsync(async () => await MessagesAsync(conversationId) is [_, var answer] && answer.Id != first.Id && answer.Status == MessageStatus.Complete);
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete", new() { Timeout = 60_000 });
        var afterRegenerate = await MessagesAsync(conversationId);
        Assert.Equal([MessageRole.User, MessageRole.Assistant], afterRegenerate.Select(m => m.Role));
        Assert.InRange(afterRegenerate[1].CompletionTokens ?? 0, 1, 40);
        await Assertions.Expect(page.GetByTestId("message-stats").Last).ToContainTextAsync("tok/s");
    }

    [Fact]
    public async Task A_second_question_continues_the_conversation()
    {
        var page = await ReadyPageAsync(maxTokens: 40);
        await SendAndWaitAsync(page, "Tell me a long story", expectedMessages: 2);

        await SendAndWaitAsync(page, "And then?", expectedMessages: 4);

        Assert.Equal(
            [MessageRole.User, MessageRole.Assistant, MessageRole.User, MessageRole.Assistant],
            (await MessagesAsync(ConversationOf(page))).Select(m => m.Role));
    }

    [Fact]
    public async Task Editing_the_first_question_replaces_everything_after_it()
    {
        var page = await ReadyPageAsync(maxTokens: 40);
        await SendAndWaitAsync(page, "Tell me a long story", expectedMessages: 2);
        await SendAndWaitAsync(page, "And then?", expectedMessages: 4);

        // A click event, not a pointer click at coordinates: the list follows new answers by scrolling, and a scroll
        // that starts between Playwright's aim and its click sends the click elsewhere.
        await page.GetByTestId("message").First.GetByRole(AriaRole.Button, new() { Name = "Edit message" }).DispatchEventAsync("click");
        await page.GetByRole(AriaRole.Textbox, new() { Name = "Edit message" }).FillAsync("Tell me a short story instead");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save and send" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete", new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("message").First).ToContainTextAsync("Tell me a short story instead");
    }

    [Fact]
    public async Task A_reload_shows_the_same_history_from_the_database()
    {
        var page = await ReadyPageAsync(maxTokens: 40);
        await SendAndWaitAsync(page, "Tell me a long story", expectedMessages: 2);
        var shownBeforeReload = await page.GetByTestId("message").Last.Locator(".markdown-body").InnerTextAsync();

        await page.ReloadAsync();
        await WebChatAppFixture.WaitForInteractiveAsync(page);

        var messages = page.GetByTestId("message");
        await Assertions.Expect(messages).ToHaveCountAsync(2);
        await Assertions.Expect(messages.First).ToContainTextAsync("Tell me a long story");
        Assert.Equal(shownBeforeReload, await messages.Last.Locator(".markdown-body").InnerTextAsync());
        Assert.NotEmpty(shownBeforeReload.Trim());
        await Assertions.Expect(page.Locator("li.selected [data-testid=conversation-link]")).ToHaveTextAsync("Tell me a long story");
    }

    [Fact]
    public async Task Another_user_gets_not_found_at_the_same_address_and_does_not_see_the_conversation()
    {
        var page = await ReadyPageAsync(maxTokens: 40);
        await SendAndWaitAsync(page, "Alice's private question", expectedMessages: 2);
        var conversationId = ConversationOf(page);

        var other = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(other, await app.CreateAccountAsync());
        await other.GotoAsync($"chat/{conversationId}");
        await WebChatAppFixture.WaitForInteractiveAsync(other);

        await Assertions.Expect(other.GetByTestId("conversation-not-found")).ToBeVisibleAsync();
        await Assertions.Expect(other.GetByTestId("conversation-link")).ToHaveCountAsync(0);
        await Assertions.Expect(other.GetByText("Alice's private question")).ToHaveCountAsync(0);
    }

    private static ILocator Composer(IPage page) => page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });

    private static Guid ConversationOf(IPage page) => Guid.Parse(page.Url.Split('/').Last());

    private async Task<IPage> SignedInAdminAsync()
    {
        var page = await app.NewPageAsync();
        await app.SignInAsAdminAsync(page);
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>An admin on a new chat with the model loaded and answers capped at <paramref name="maxTokens"/>.</summary>
    private async Task<IPage> ReadyPageAsync(int maxTokens)
    {
        var engine = app.Services.GetRequiredService<IInferenceEngine>();
        if (engine.Status.State != EngineState.Ready)
        {
            await engine.LoadAsync(new ModelLoadOptions { ModelPath = Path.Combine(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WebChat.Configuration.WebChatOptions>>().Value.ModelsDirectory, "local", "webchat-tiny.gguf") });
        }

        var page = await SignedInAdminAsync();
        await SetMaxTokensAsync(page, maxTokens);
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(Composer(page)).ToBeEnabledAsync(new() { Timeout = 60_000 });
        return page;
    }

    private static async Task SendAndWaitAsync(IPage page, string text, int expectedMessages)
    {
        var composer = Composer(page);
        await composer.FillAsync(text);
        await composer.PressAsync("Enter");
        await WebChatAppFixture.WaitForChatAddressAsync(page);
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(expectedMessages);
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete", new() { Timeout = 60_000 });
        await Assertions.Expect(composer).ToHaveValueAsync("");
        await ExpectSendIsBackAsync(page);
    }

    // A composer that skipped its last render kept Stop on screen after the answer ended (issue 23).
    private static async Task ExpectSendIsBackAsync(IPage page)
    {
        await Assertions.Expect(page.GetByTestId("stop")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("send")).ToBeVisibleAsync();
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
                await WebChatAppFixture.WaitForChatAddressAsync(page, conversation: false);
            }

            await page.EvaluateAsync(CountStreamingUpdates);
            await composer.FillAsync("Tell me a long story");
            await composer.PressAsync("Enter");
            await WebChatAppFixture.WaitForChatAddressAsync(page);
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
                await ExpectSendIsBackAsync(page);
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

    private async Task<List<Message>> MessagesAsync(Guid conversationId)
    {
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.Sequence).ToListAsync();
    }
}
