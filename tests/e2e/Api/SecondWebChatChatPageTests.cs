using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Serving.Engines;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Api;

/// <summary>
/// A person on the first WebChat's chat page (Chromium), answered by a second WebChat in its own process: the answer
/// streams from the second; the second killed mid-answer ends the answer with the error and keeps its text; the
/// second down makes the model unavailable within the health interval, and back up makes it available again while
/// the first runs on.
/// </summary>
public sealed class SecondWebChatChatPageTests(FirstWebChatFixture app) : IClassFixture<FirstWebChatFixture>
{
    // Records each length the live answer's text had, as the browser saw it.
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

    // A page notices the engine's state at the first health check after the change, then renders it: one interval
    // for the check, and the rest for the check itself, the circuit and Chromium on two busy cores.
    private static readonly TimeSpan WithinHealthInterval = FirstWebChatFixture.HealthInterval * 10;

    [Fact]
    public async Task A_chat_on_the_first_chat_page_streams_its_answer_from_the_second()
    {
        var page = await ReadyPageAsync(maxTokens: 200);
        await page.EvaluateAsync(CountStreamingUpdates);

        await SendAsync(page, "Tell me a long story");

        var answer = page.GetByTestId("message").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "Complete", new() { Timeout = 60_000 });
        var lengths = await page.EvaluateAsync<int[]>("() => window.__lengths");
        Assert.True(lengths.Distinct().Count(l => l > 0) >= 3, $"the answer appeared in {lengths.Length} step(s)");
        var stored = (await MessagesAsync(ConversationOf(page))).Last();
        Assert.Equal(MessageStatus.Complete, stored.Status);
        Assert.NotEmpty(stored.Content.Trim());
        Assert.NotEmpty((await answer.Locator(".markdown-body").InnerTextAsync()).Trim());
        Assert.InRange(stored.CompletionTokens ?? 0, 1, 200);
        var firstUsage = await Eventually.ValueAsync(async () => (await UsageAsync(stored.ConversationId)).FirstOrDefault());
        Assert.Equal("second", firstUsage.Engine);
        // The second answered it through its API, with the first's key, and counted the same tokens.
        await Eventually.TrueAsync(async () => (await app.Second.UsageAsync()).Any(r => r.Source == UsageSource.Api && r.CompletionTokens == stored.CompletionTokens));
    }

    [Fact]
    public async Task The_second_killed_mid_answer_ends_the_answer_with_the_error_and_keeps_its_text()
    {
        var page = await ReadyPageAsync(maxTokens: 3000);

        // The tiny model has random weights: it may end an answer by itself before the kill; then try a new chat.
        ILocator answer;
        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                await page.GetByTestId("new-chat").ClickAsync();
                await WebChatAppFixture.WaitForChatAddressAsync(page, conversation: false);
            }

            await page.EvaluateAsync(CountStreamingUpdates);
            await SendAsync(page, "Tell me a long story");
            await page.WaitForFunctionAsync("() => window.__lengths.length >= 4 || (window.__lengths.length > 0 && !document.querySelector('[data-testid=live-answer]'))", null, new() { Timeout = 60_000 });
            answer = page.GetByTestId("message").Last;
            if (await page.GetByTestId("live-answer").CountAsync() > 0 || attempt == 3)
            {
                break;
            }
        }

        await app.Second.KillAsync();

        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "Failed", new() { Timeout = 30_000 });
        await Assertions.Expect(answer.GetByTestId("message-error")).ToContainTextAsync("second stopped in the middle of the answer");
        var shown = (await answer.Locator(".markdown-body").InnerTextAsync()).Trim();
        Assert.NotEmpty(shown);
        var stored = (await MessagesAsync(ConversationOf(page))).Last();
        Assert.Equal(MessageStatus.Failed, stored.Status);
        Assert.Contains("the text so far is kept", stored.Error, StringComparison.Ordinal);
        Assert.NotEmpty(stored.Content.Trim()); // (compared as shown below: Markdown changes random text's spacing)

        // The stored copy is what a reload shows: the same text as the page showed when the answer ended.
        await page.ReloadAsync();
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Failed");
        Assert.Equal(shown, (await page.GetByTestId("message").Last.Locator(".markdown-body").InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task The_second_down_shows_the_model_unavailable_and_back_up_available_again_without_restarting_the_first()
    {
        var page = await ReadyPageAsync(maxTokens: 20);
        var library = await app.NewPageAsync();
        await app.SignInAsAdminAsync(library);

        await app.Second.KillAsync();

        await Assertions.Expect(page.GetByTestId("composer-disabled-reason")).ToContainTextAsync("No engine serving your model answers right now",
            new() { Timeout = (float)WithinHealthInterval.TotalMilliseconds });
        await Assertions.Expect(Composer(page)).ToBeDisabledAsync();
        await library.GotoAsync("library");
        await Assertions.Expect(library.GetByTestId("library-remote-table")).ToContainTextAsync("unavailable");
        Assert.Equal(RemoteEngineHealth.Down, Assert.Single(app.Services.GetRequiredService<RemoteEngines>().Views()).Health);

        await app.Second.RunAsync();

        // The second loads its model as it starts; the first sees it at its next check, on the page it already shows.
        await Assertions.Expect(Composer(page)).ToBeEnabledAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("composer-disabled-reason")).ToHaveCountAsync(0);
        await library.ReloadAsync();
        await Assertions.Expect(library.GetByTestId("library-remote-table")).ToContainTextAsync("available");
        await Assertions.Expect(library.GetByTestId("library-remote-table")).Not.ToContainTextAsync("unavailable");
        await SendAsync(page, "Are you back?");
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete", new() { Timeout = 60_000 });
    }

    private static ILocator Composer(IPage page) => page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });

    private static Guid ConversationOf(IPage page) => Guid.Parse(page.Url.Split('/').Last());

    /// <summary>The second running and seen ready by the first; an admin on a new chat with answers capped at <paramref name="maxTokens"/>.</summary>
    private async Task<IPage> ReadyPageAsync(int maxTokens)
    {
        await app.Second.RunAsync(); // a test before this one may have killed it
        var engines = app.Services.GetRequiredService<RemoteEngines>();
        await Eventually.TrueAsync(() => Task.FromResult(engines.Views() is [{ Health: RemoteEngineHealth.Ready } view] && view.Models.Contains(SecondWebChatProcess.ModelId)));

        var page = await app.NewPageAsync();
        await app.SignInAsAdminAsync(page);
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
        await page.GetByLabel("Max tokens").FillAsync(maxTokens.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.GetByTestId("save-settings").ClickAsync();
        await Assertions.Expect(page.GetByText("Settings saved.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Chat" }).ClickAsync();
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(Composer(page)).ToBeEnabledAsync(new() { Timeout = 60_000 });
        return page;
    }

    private static async Task SendAsync(IPage page, string text)
    {
        var composer = Composer(page);
        await composer.FillAsync(text);
        await composer.PressAsync("Enter");
        await WebChatAppFixture.WaitForChatAddressAsync(page);
    }

    private async Task<List<Message>> MessagesAsync(Guid conversationId)
    {
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.Sequence).ToListAsync();
    }

    private async Task<List<UsageRecord>> UsageAsync(Guid conversationId)
    {
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.UsageRecords.AsNoTracking().Where(r => r.ConversationId == conversationId).ToListAsync();
    }
}
