using Bunit;
using Bunit.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Components.Pages.Chat;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Extensions;
using WebChat.Services.Nodes;
using WebChat.Tests.Support.Chat;
using WebChat.Tests.Unit.App.Components.Pages.Models;

namespace WebChat.Tests.Unit.App.Components.Pages.Chat;

/// <summary>
/// A tab on one node shows an answer that another node is writing (several nodes on one database): it follows the
/// copy that node saves while it writes, to the end.
/// </summary>
public sealed class AnswerOnAnotherNodeTests : BunitContext, IAsyncLifetime
{
    private readonly AnotherNodeWriting _otherNode = new();
    private AppServicesHost _app = null!;

    public async Task InitializeAsync()
    {
        _app = await AppServicesHost.StartAsync(builder =>
        {
            builder.AddWebChatEngine();
            builder.AddWebChatModels();
            builder.AddWebChatChat();
            builder.AddWebChatModelServing();
            builder.AddWebChatKnowledge();
            builder.Services.AddSingleton<IInferenceEngine>(new ScriptedInferenceEngine());
            builder.Services.AddSingleton<INodeLocks>(_otherNode);
        }, ("WebChat:StarterModel:Repo", ""), ("WebChat:Chat:FlushInterval", "00:00:00.100"));
        await this.HostOnAppServices(_app.Services).SignInAsync(_app.Services, "alice");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task The_page_follows_the_saved_copy_of_an_answer_another_node_writes_until_it_is_complete()
    {
        var (conversation, answer) = await SeedStreamingAnswerAsync("The first");
        var page = this.RenderWithPopovers<ChatPage>((nameof(ChatPage.ConversationId), (Guid?)conversation));
        page.WaitForAssertion(() => Assert.Equal("Streaming", AnswerOf(page).GetAttribute("data-status")), Eventually.Patience);
        Assert.Contains("The first", AnswerOf(page).TextContent, StringComparison.Ordinal);

        // The other node saves more of the answer, then its end, and lets go of the answer's lock.
        await UpdateAsync(answer, "The first words and then some more", MessageStatus.Streaming);
        page.WaitForAssertion(() => Assert.Contains("and then some more", AnswerOf(page).TextContent, StringComparison.Ordinal), Eventually.Patience);
        await UpdateAsync(answer, "The first words and then some more, to the end.", MessageStatus.Complete);
        _otherNode.Writing = false;

        page.WaitForAssertion(() => Assert.Equal("Complete", AnswerOf(page).GetAttribute("data-status")), Eventually.Patience);
        Assert.Contains("to the end.", AnswerOf(page).TextContent, StringComparison.Ordinal);
    }

    private static AngleSharp.Dom.IElement AnswerOf(IRenderedComponent<ContainerFragment> page) => page.Find("[data-testid=message][data-role=Assistant]");

    private async Task<(Guid Conversation, Guid Answer)> SeedStreamingAnswerAsync(string soFar)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        var userId = await db.Users.Where(u => u.UserName!.StartsWith("alice-")).Select(u => u.Id).SingleAsync();
        var answer = new Message { Sequence = 1, Role = MessageRole.Assistant, Content = soFar, Status = MessageStatus.Streaming };
        var conversation = new Conversation
        {
            UserId = userId,
            Title = "Asked on node 1",
            Messages = [new Message { Sequence = 0, Role = MessageRole.User, Content = "Tell me a story" }, answer],
        };
        db.Conversations.Add(conversation);
        await db.SaveChangesAsync();
        return (conversation.Id, answer.Id);
    }

    private async Task UpdateAsync(Guid answer, string content, MessageStatus status)
    {
        await using var db = await _app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        await db.Messages.Where(m => m.Id == answer).ExecuteUpdateAsync(s => s.SetProperty(m => m.Content, content).SetProperty(m => m.Status, status));
    }

    /// <summary>What several nodes' locks say while another node writes every streaming answer.</summary>
    private sealed class AnotherNodeWriting : INodeLocks
    {
        public volatile bool Writing = true;

        public bool IsShared => true;

        public Task<bool> TryTakeAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(true);

        public Task ReleaseAsync(string name) => Task.CompletedTask;

        public Task<bool> IsHeldAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(Writing);
    }
}
