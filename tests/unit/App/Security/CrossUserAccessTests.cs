using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Services.Chat;
using WebChat.Tests.Unit.App.Services.Chat;
using WebChat.Tests.Unit.App.Data;

namespace WebChat.Tests.Unit.App.Security;

/// <summary>A second user holding the first user's conversation id gets "not found" from every door: page, export, delete, stop, regenerate, edit.</summary>
public sealed class CrossUserAccessTests
{
    [Theory]
    [BothProviders]
    public async Task Every_action_on_another_users_conversation_answers_not_found(DataProvider provider)
    {
        await using var chat = await ChatTestHarness.StartAsync(database: await DataProviders.FactoryAsync(provider));
        chat.Engine.TokenDelay = TimeSpan.FromMilliseconds(20);
        var id = (await chat.Generations.SendAsync("alice", null, "Alice's secret plan")).ConversationId;
        var question = (await chat.MessagesAsync(id))[0].Id;

        Assert.False(chat.Generations.Stop("bob", id));
        await chat.WaitForAnswerAsync(id);
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Conversations.GetAsync("bob", id));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Transfer.ExportMarkdownAsync("bob", id));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Transfer.ExportJsonAsync("bob", id));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Conversations.DeleteAsync("bob", id));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Generations.RegenerateAsync("bob", id));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Generations.EditAndResendAsync("bob", id, question, "mine now"));
        await Assert.ThrowsAsync<ConversationNotFoundException>(() => chat.Conversations.SaveOverridesAsync("bob", id, new ConversationOverrides("x", null, null, null)));

        var messages = await chat.MessagesAsync(id);
        Assert.Equal(["Alice's secret plan", MessageStatus.Complete.ToString()], [messages[0].Content, messages[1].Status.ToString()]);
    }

    [Fact]
    public async Task The_chat_page_of_another_users_conversation_shows_not_found_and_nothing_of_it()
    {
        await using var app = new WebChatAppFactory();
        var aliceId = await AccountForms.CreateAccountAsync(app, "alice@example.test");
        await AccountForms.CreateAccountAsync(app, "bob@example.test");
        var conversation = new Conversation { UserId = aliceId, Title = "Alice's secret plan" };
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
        {
            db.Conversations.Add(conversation);
            await db.SaveChangesAsync();
        }

        using var bob = AccountForms.NewClient(app);
        await AccountForms.SignInAsync(bob, "bob@example.test");
        using var response = await bob.GetAsync(new Uri($"/chat/{conversation.Id}", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("conversation-not-found", html, StringComparison.Ordinal);
        Assert.DoesNotContain("secret plan", html, StringComparison.Ordinal);
    }
}
