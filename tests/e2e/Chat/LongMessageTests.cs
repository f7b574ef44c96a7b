using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Playwright;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Tests.E2E.Infrastructure;
using WebChat.Tests.Support.Chat;

namespace WebChat.Tests.E2E.Chat;

public sealed class LongMessageTests(ScriptedChatAppFixture app) : IClassFixture<ScriptedChatAppFixture>
{
    [Fact]
    public async Task A_message_of_the_full_limit_is_sent_and_stored_and_one_character_more_is_refused_with_the_draft_kept()
    {
        var page = await app.NewPageAsync();
        await WebChatAppFixture.LogInAsync(page, await app.CreateAccountAsync());
        await page.GotoAsync("chat");
        await WebChatAppFixture.WaitForInteractiveAsync(page);
        var composer = page.GetByRole(AriaRole.Textbox, new() { Name = "Message", Exact = true });

        // 100,000 characters, most of them two bytes in UTF-8, arrive whole.
        var full = "Start" + string.Concat(Enumerable.Repeat("é½ç ", 24_997)) + "The end";
        Assert.Equal(100_000, full.Length);
        await composer.FillAsync(full);
        await Assertions.Expect(page.GetByTestId("char-counter")).ToHaveTextAsync("100,000 / 100,000 characters");
        await composer.PressAsync("Enter");
        await WebChatAppFixture.WaitForChatAddressAsync(page);
        await Assertions.Expect(page.GetByTestId("message").Last).ToHaveAttributeAsync("data-status", "Complete");
        var conversationId = Guid.Parse(page.Url.Split('/').Last());
        Assert.Equal(full, (await MessagesAsync(conversationId)).First().Content);
        await Assertions.Expect(composer).ToHaveValueAsync("");

        // One more character: a clear error, nothing stored, the draft stays in the box.
        var over = full + "!";
        await composer.FillAsync(over);
        await Assertions.Expect(page.GetByTestId("char-counter")).ToContainTextAsync("too long to send");
        await composer.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("composer-error")).ToContainTextAsync("at most 100,000");
        Assert.Equal(over.Length, await composer.EvaluateAsync<int>("area => area.value.length"));
        Assert.Equal(2, (await MessagesAsync(conversationId)).Count);

        // A paste far too big to send stays in the browser; the session lives on and sends the next message.
        await composer.FillAsync(new string('x', 450_000));
        await composer.PressAsync("Enter");
        await page.GetByTestId("send").ClickAsync();
        await composer.FillAsync("Still here?");
        await composer.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("message")).ToHaveCountAsync(4);
        await Assertions.Expect(page.GetByTestId("composer-error")).ToHaveCountAsync(0);
    }

    private async Task<List<Message>> MessagesAsync(Guid conversationId)
    {
        var dbFactory = app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        return await db.Messages.AsNoTracking().Where(m => m.ConversationId == conversationId).OrderBy(m => m.Sequence).ToListAsync();
    }
}
