using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Extensions;
using WebChat.Services.Chat;
using WebChat.Services.Serving.Engines;
using WebChat.Tests.Support.FakeEngine;

namespace WebChat.Tests.Unit.App.Services.Serving;

/// <summary>
/// The per-user share (Inference:MaxRunningPerUser 1, MaxQueuedPerUser 1 here) on a remote engine (a fake engine on
/// Kestrel) with room for many requests: the replica is never the limit, so any waiting is the user's share.
/// </summary>
public sealed class RemoteUserShareTests : IAsyncLifetime
{
    private const string Model = "fake-model";
    private readonly TaskCompletionSource _rest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, bool> _started = new();
    private FakeOpenAiEngine _engine = null!;
    private AppServicesHost _app = null!;

    private RoutedChat Routed => _app.Services.GetRequiredService<RoutedChat>();
    private RemoteAdmission Admission => _app.Services.GetRequiredService<RemoteAdmission>();

    public async Task InitializeAsync()
    {
        _engine = await FakeOpenAiEngine.StartAsync();
        _engine.HoldAfterFirstToken = _rest; // every answer stays open after its first token
        _app = await AppServicesHost.StartAsync(
            builder =>
            {
                builder.AddWebChatEngines();
                builder.Services.AddOptions<InferenceOptions>().Bind(builder.Configuration.GetSection(InferenceOptions.SectionName));
                builder.Services.AddSingleton<EngineShares>();
            },
            ("Engines:Remote:0:Name", "a"), ("Engines:Remote:0:BaseUrl", _engine.BaseUrl),
            ("Engines:MaxInFlightPerReplica", "16"),
            ("Inference:MaxRunningPerUser", "1"), ("Inference:MaxQueuedPerUser", "1"));
        var engines = _app.Services.GetRequiredService<RemoteEngines>();
        await engines.ReloadAsync();
        await engines.CheckDueAsync();
    }

    public async Task DisposeAsync()
    {
        _rest.TrySetResult();
        await _app.DisposeAsync();
        await _engine.DisposeAsync();
    }

    [Fact]
    public async Task A_user_at_their_running_share_waits_while_another_users_request_is_served()
    {
        var first = ReadAsync("heavy", "heavy-1");
        await Eventually.TrueAsync(() => _started.ContainsKey("heavy-1"), "the heavy user's first answer started");
        var second = ReadAsync("heavy", "heavy-2");
        await Eventually.TrueAsync(() => Admission.Waiting(Model) == 1, "the heavy user's second request waiting");

        var light = ReadAsync("light", "light");

        await Eventually.TrueAsync(() => _started.ContainsKey("light"), "the light user's answer started");
        Assert.False(_started.ContainsKey("heavy-2")); // the replica had room: only the share held it back
        Assert.Equal((2, 1), (_engine.Served, Admission.Waiting(Model)));

        _rest.SetResult();
        var ends = await Task.WhenAll(first, second, light).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(ends, end => Assert.Equal(FinishReason.Stop, end.FinishReason));
        Assert.Equal((3, 0), (_engine.Served, Admission.Waiting(Model)));
    }

    [Fact]
    public async Task A_user_beyond_their_waiting_share_is_refused_with_the_local_engines_words()
    {
        var holding = new[] { ReadAsync("heavy", "heavy-1"), ReadAsync("heavy", "heavy-2") };
        await Eventually.TrueAsync(() => _started.Count == 1 && Admission.Waiting(Model) == 1, "one answering, one waiting");

        var refused = await Assert.ThrowsAsync<UserBusyException>(() => ReadAsync("heavy", "heavy-3"));

        Assert.Equal("You already have 2 answers being written or waiting, your limit. Wait for one to finish, or stop one, and try again.", refused.Message);
        Assert.Equal((1, 1), (_engine.Served, Admission.Waiting(Model)));
        _rest.SetResult();
        await Task.WhenAll(holding).WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_share_an_admin_raised_in_the_database_lets_that_user_run_more_at_once()
    {
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync())
        {
            db.Users.Add(new ApplicationUser { Id = "vip", UserName = "vip" }); // the share row belongs to a user
            await db.SaveChangesAsync();
        }

        var shares = _app.Services.GetRequiredService<EngineShares>();
        await shares.SetAsync("vip", new UserShare(3, 0));
        var share = await shares.FindAsync("vip");

        var answers = Enumerable.Range(1, 3).Select(i => ReadAsync("vip", $"vip-{i}", share)).ToList();
        await Eventually.TrueAsync(() => _started.Count == 3, "three answers of the same user running at once");
        var refused = await Assert.ThrowsAsync<UserBusyException>(() => ReadAsync("vip", "vip-4", share));

        Assert.Equal(3, refused.Limit); // 3 running + 0 waiting, not the configured 1 + 1
        Assert.Equal(0, Admission.Waiting(Model));
        _rest.SetResult();
        await Task.WhenAll(answers).WaitAsync(TimeSpan.FromSeconds(60));
    }

    private async Task<ChatSummary> ReadAsync(string user, string name, UserShare? share = null)
    {
        await Task.Yield();
        var request = new ChatRequest { Messages = [new ChatTurn(ChatRole.User, "Hi")], UserKey = user, Share = share, MaxTokens = 16 };
        ChatSummary? summary = null;
        await foreach (var update in Routed.StreamAsync(Model, request, CancellationToken.None))
        {
            if (update is TextDelta)
            {
                _started.TryAdd(name, true);
            }

            summary = update as ChatSummary ?? summary;
        }

        return summary ?? throw new InvalidOperationException("no summary");
    }
}
