using Microsoft.Extensions.Logging.Abstractions;
using WebChat.Data.Entities;
using WebChat.Services.Accounts;
using WebChat.Services.Chat;
using AccountAnswerStops = WebChat.Services.Accounts.AccountAnswerStops;

namespace WebChat.Tests.Unit.App.Services.Chat;

/// <summary>Disabling or deleting an account stops the answers being written for it, running and queued, and says why.</summary>
public sealed class AccountAnswerStopsTests
{
    [Fact]
    public async Task Disabling_an_account_stops_its_running_and_queued_answers_marked_so_and_leaves_others_alone()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        using var release = new ManualResetEventSlim();
        chat.Engine.Script = _ => HeldAnswer(release);
        var running = (await chat.Generations.SendAsync("alice", null, "first")).ConversationId;
        var queued = (await chat.Generations.SendAsync("alice", null, "second")).ConversationId;
        var others = (await chat.Generations.SendAsync("bob", null, "bob's")).ConversationId;
        var access = new Access();
        var revocations = new AccountRevocations(access, NullLogger<AccountRevocations>.Instance);
        using var stops = new AccountAnswerStops(revocations, access, chat.Registry, NullLogger<AccountAnswerStops>.Instance);
        await stops.StartAsync(CancellationToken.None);

        access.Disabled.Add("alice");
        revocations.Publish("alice");
        await Eventually.TrueAsync(() => chat.Registry.Find(running)?.IsStopRequested != false && chat.Registry.Find(queued)?.IsStopRequested != false);
        var bobStopped = chat.Registry.Find(others)?.IsStopRequested;
        release.Set();
        await chat.WaitForAnswerAsync(running);
        await chat.WaitForAnswerAsync(queued);
        await chat.WaitForAnswerAsync(others);

        foreach (var id in new[] { running, queued })
        {
            var answer = (await chat.MessagesAsync(id))[1];
            Assert.Equal(MessageStatus.Stopped, answer.Status);
            Assert.Equal(AccountAnswerStops.Reason, answer.Error);
        }

        Assert.False(bobStopped);
        Assert.Equal(MessageStatus.Complete, (await chat.MessagesAsync(others))[1].Status);
    }

    [Fact]
    public async Task A_change_that_leaves_the_account_active_stops_nothing()
    {
        await using var chat = await ChatTestHarness.StartAsync();
        using var release = new ManualResetEventSlim();
        chat.Engine.Script = _ => HeldAnswer(release);
        var id = (await chat.Generations.SendAsync("alice", null, "first")).ConversationId;
        var access = new Access();
        var revocations = new AccountRevocations(access, NullLogger<AccountRevocations>.Instance);
        using var stops = new AccountAnswerStops(revocations, access, chat.Registry, NullLogger<AccountAnswerStops>.Instance);
        await stops.StartAsync(CancellationToken.None);

        revocations.Publish("alice"); // e.g. made an admin, or signed out everywhere
        await stops.Idle;

        Assert.False(chat.Registry.Find(id)!.IsStopRequested);
        release.Set();
        await chat.WaitForAnswerAsync(id);
    }

    private static IEnumerable<string> HeldAnswer(ManualResetEventSlim release)
    {
        yield return "before";
        release.Wait(TimeSpan.FromSeconds(30));
        yield return " after";
    }

    private sealed class Access : IUserAccessState
    {
        public HashSet<string> Disabled { get; } = [];

        public Task<UserAccess?> GetAsync(string userId, CancellationToken cancellationToken = default) =>
            Task.FromResult<UserAccess?>(new UserAccess(userId, !Disabled.Contains(userId), "stamp", false));

        public async Task<bool> IsActiveAsync(string userId, CancellationToken cancellationToken = default) =>
            (await GetAsync(userId, cancellationToken))!.IsActive;

        public void Forget(string userId)
        {
        }
    }
}
