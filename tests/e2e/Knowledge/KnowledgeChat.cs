using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;
using WebChat.Tests.E2E.Chat;
using WebChat.Tests.E2E.Infrastructure;

namespace WebChat.Tests.E2E.Knowledge;

/// <summary>The steps the knowledge e2e tests share: a ready chat page, asking a question, a person's id.</summary>
internal static class KnowledgeChat
{
    /// <summary>The person signed in on a new chat with the model loaded and answers capped at a few tokens.</summary>
    public static async Task<IPage> ReadyPageAsync(ChatAppFixture app, string email)
    {
        var engine = app.Services.GetRequiredService<IInferenceEngine>();
        if (engine.Status.State != EngineState.Ready)
        {
            var models = app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value.ModelsDirectory;
            await engine.LoadAsync(new ModelLoadOptions { ModelPath = Path.Combine(models, "local", "webchat-tiny.gguf") });
        }

        await app.Services.GetRequiredService<SettingsService>().SaveAsync(await UserIdAsync(app, email), new ChatSettings(null, null, null, MaxTokens: 8, null));
        var page = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(page, email);
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        await Assertions.Expect(Composer(page)).ToBeEnabledAsync();
        return page;
    }

    /// <summary>Sends <paramref name="question"/> and waits until its answer is complete.</summary>
    public static async Task AskAsync(IPage page, string question)
    {
        var count = await page.GetByTestId("message").CountAsync();
        await Composer(page).FillAsync(question);
        await Composer(page).PressAsync("Enter");
        await WebChatAppFixture.WaitForChatAddressAsync(page);
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(count + 2);
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");
    }

    public static ILocator Composer(IPage page) => page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });

    public static async Task<string> UserIdAsync(ChatAppFixture app, string email)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        return await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
    }
}
