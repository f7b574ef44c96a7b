using Microsoft.Extensions.Logging.Abstractions;
using WebChat.Engine.Inference;
using WebChat.Services.Chat;

namespace WebChat.Tests.Unit.App.Services.Chat;

public sealed class EngineSharesTests
{
    private static EngineShares Shares(ChatTestHarness chat) =>
        new(chat.Db, Microsoft.Extensions.Options.Options.Create(new InferenceOptions { MaxRunningPerUser = 2, MaxQueuedPerUser = 4 }));

    [Fact]
    public async Task A_share_set_by_an_admin_is_found_changed_and_reset_and_others_keep_the_default()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        var shares = Shares(chat);

        await shares.SetAsync("alice", new UserShare(5, 10));
        await shares.SetAsync("alice", new UserShare(6, 12));

        Assert.Equal(new UserShare(6, 12), await shares.FindAsync("alice"));
        Assert.Null(await shares.FindAsync("bob"));
        Assert.Equal(new UserShare(2, 4), shares.Default);
        await shares.ResetAsync("alice");
        Assert.Null(await shares.FindAsync("alice"));
    }

    [Theory]
    [InlineData(0, 4, "Answers at once")]
    [InlineData(65, 4, "Answers at once")]
    [InlineData(2, -1, "Answers waiting")]
    [InlineData(2, 257, "Answers waiting")]
    public async Task A_share_out_of_range_is_refused_with_the_field_named(int running, int queued, string field)
    {
        await using var chat = await ChatTestHarness.StartAsync();

        var error = await Assert.ThrowsAsync<InvalidChatOperationException>(() => Shares(chat).SetAsync("alice", new UserShare(running, queued)));

        Assert.StartsWith(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_carry_the_user_key_and_the_users_own_share_to_the_engine()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        var shares = Shares(chat);
        await shares.SetAsync("alice", new UserShare(3, 9));
        var generations = new GenerationService(chat.Db, chat.Runner, chat.Settings, chat.Engine, chat.Options, chat.Time, chat.Quotas, shares);

        var aliceChat = (await generations.SendAsync("alice", null, "Hi")).ConversationId;
        await chat.WaitForAnswerAsync(aliceChat);
        var bobChat = (await generations.SendAsync("bob", null, "Hi")).ConversationId;
        await chat.WaitForAnswerAsync(bobChat);

        Assert.Equal(("alice", new UserShare(3, 9)), (chat.Engine.Requests[0].UserKey, chat.Engine.Requests[0].Share));
        Assert.Equal(("bob", (UserShare?)null), (chat.Engine.Requests[1].UserKey, chat.Engine.Requests[1].Share));
    }
}
