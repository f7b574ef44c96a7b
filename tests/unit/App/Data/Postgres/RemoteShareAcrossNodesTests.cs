using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebChat.Engine.Inference;
using WebChat.Extensions;
using WebChat.Services.Chat;
using WebChat.Services.Serving.Engines;
using WebChat.Tests.Support.FakeEngine;
using WebChat.Tests.Support.Postgres;

namespace WebChat.Tests.Unit.App.Data.Postgres;

/// <summary>
/// Two nodes on one PostgreSQL database sharing one remote engine (a fake engine on Kestrel with room for many
/// requests), a user's running share of 1 (Inference:MaxRunningPerUser): an answer running through one node keeps the
/// same user's request on the other node waiting until it ends, however it ends. The replica is never the limit, so
/// any waiting is the user's share.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RemoteShareAcrossNodesTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Model = "fake-model";
    private const string User = "user-1";
    private readonly TaskCompletionSource _rest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<string> _events = new();
    private FakeOpenAiEngine _engine = null!;

    public async Task InitializeAsync()
    {
        _engine = await FakeOpenAiEngine.StartAsync();
        _engine.HoldAfterFirstToken = _rest; // every answer stays open after its first token until the test lets it go
    }

    public async Task DisposeAsync()
    {
        _rest.TrySetResult();
        await _engine.DisposeAsync();
    }

    [PostgresFact]
    public async Task A_users_request_on_node_B_starts_only_once_their_answer_on_node_A_has_ended()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        await using var nodeA = await StartNodeAsync(database);
        // Node B's clock stands still: its poll never fires, so only node A's signal can let the request through.
        await using var nodeB = await StartNodeAsync(database, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await nodeB.ListenAsync();

        var onA = ReadAsync(nodeA, "a");
        await Eventually.TrueAsync(() => _events.Contains("a:start"), "the answer on node A started");
        var onB = ReadAsync(nodeB, "b");
        await Eventually.TrueAsync(() => _events.Contains("b:start") || Admission(nodeB).WaitsForSharePlace(User), "node B tried the user's share place");

        Assert.DoesNotContain("b:start", _events);
        Assert.Equal((1, 1), (_engine.Served, Admission(nodeB).Waiting(Model)));
        _rest.SetResult(); // node A's answer goes on to its end
        var ends = await Task.WhenAll(onA, onB).WaitAsync(Eventually.Patience);

        Assert.All(ends, end => Assert.Equal(FinishReason.Stop, end.FinishReason));
        Assert.Equal(["a:start", "a:end", "b:start", "b:end"], _events);
        Assert.Equal((2, 0), (_engine.Served, Admission(nodeB).Waiting(Model)));
    }

    [PostgresFact]
    public async Task A_stopped_answer_on_node_A_gives_the_users_place_to_their_request_waiting_on_node_B()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        await using var nodeA = await StartNodeAsync(database);
        await using var nodeB = await StartNodeAsync(database, new FakeTimeProvider(DateTimeOffset.UtcNow));
        await nodeB.ListenAsync();
        using var stop = new CancellationTokenSource();

        var onA = ReadAsync(nodeA, "a", stop.Token);
        await Eventually.TrueAsync(() => _events.Contains("a:start"), "the answer on node A started");
        var onB = ReadAsync(nodeB, "b");
        await Eventually.TrueAsync(() => _events.Contains("b:start") || Admission(nodeB).WaitsForSharePlace(User), "node B tried the user's share place");
        Assert.DoesNotContain("b:start", _events);
        await stop.CancelAsync(); // the person stops the answer on node A, which stays held at the engine

        await Eventually.TrueAsync(() => _events.Contains("b:start"), "node B's request started after the stop");
        _rest.SetResult();
        Assert.Equal(FinishReason.Stop, (await onB.WaitAsync(Eventually.Patience)).FinishReason);
        await ((Task)onA).WaitAsync(Eventually.Patience).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    [PostgresFact]
    public async Task A_place_held_by_a_node_that_dies_frees_with_it_and_the_users_request_on_the_other_node_starts()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        var nodeA = await StartNodeAsync(database);
        await using var nodeB = await StartNodeAsync(database); // on the real clock: its poll finds the freed place
        var onA = ReadAsync(nodeA, "a");
        await Eventually.TrueAsync(() => _events.Contains("a:start"), "the answer on node A started");
        var onB = ReadAsync(nodeB, "b");
        await Eventually.TrueAsync(() => _events.Contains("b:start") || Admission(nodeB).WaitsForSharePlace(User), "node B tried the user's share place");
        Assert.DoesNotContain("b:start", _events);

        await nodeA.DisposeAsync(); // its lock connection closes, as a killed node's does; it sends no signal

        await Eventually.TrueAsync(() => _events.Contains("b:start"), "node B's request started once node A was gone");
        _rest.SetResult();
        Assert.Equal(FinishReason.Stop, (await onB.WaitAsync(Eventually.Patience)).FinishReason);
        await ((Task)onA).WaitAsync(Eventually.Patience).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    [PostgresFact]
    public async Task A_users_second_request_on_the_same_node_takes_the_place_their_first_answer_gave_back()
    {
        var database = await postgres.Cluster.CreateDatabaseAsync();
        // The clock stands still: no poll, so the place this node gives back must let its own waiting request in.
        await using var node = await StartNodeAsync(database, new FakeTimeProvider(DateTimeOffset.UtcNow));
        var first = ReadAsync(node, "a");
        await Eventually.TrueAsync(() => _events.Contains("a:start"), "the first answer started");
        var second = ReadAsync(node, "b");
        await Eventually.TrueAsync(() => Admission(node).Waiting(Model) == 1, "the second request waits for the user's share");

        _rest.SetResult();
        var ends = await Task.WhenAll(first, second).WaitAsync(Eventually.Patience);

        Assert.All(ends, end => Assert.Equal(FinishReason.Stop, end.FinishReason));
        Assert.Equal(["a:start", "a:end", "b:start", "b:end"], _events);
    }

    private static RemoteAdmission Admission(AppServicesHost node) => node.Services.GetRequiredService<RemoteAdmission>();

    private async Task<AppServicesHost> StartNodeAsync(string database, TimeProvider? time = null)
    {
        var node = await AppServicesHost.StartAsync(
            builder =>
            {
                if (time is not null)
                {
                    builder.Services.AddSingleton(time);
                }

                builder.AddWebChatEngines();
                builder.Services.AddOptions<InferenceOptions>().Bind(builder.Configuration.GetSection(InferenceOptions.SectionName));
                builder.Services.AddSingleton<EngineShares>();
            },
            ("Database:Provider", "Postgres"), ("ConnectionStrings:WebChat", database),
            ("Engines:Remote:0:Name", "a"), ("Engines:Remote:0:BaseUrl", _engine.BaseUrl),
            ("Engines:MaxInFlightPerReplica", "16"),
            ("Inference:MaxRunningPerUser", "1"), ("Inference:MaxQueuedPerUser", "1"));
        var engines = node.Services.GetRequiredService<RemoteEngines>();
        await engines.ReloadAsync();
        await engines.CheckDueAsync();
        return node;
    }

    // Reads one answer of the user through the node, noting when its first words came and when its summary did (the
    // summary comes before the answer gives its place back, so "a:end" is noted before anything that place lets start).
    private async Task<ChatSummary> ReadAsync(AppServicesHost node, string name, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        var routed = node.Services.GetRequiredService<RoutedChat>();
        var request = new ChatRequest { Messages = [new ChatTurn(ChatRole.User, "Hi")], UserKey = User, MaxTokens = 16 };
        ChatSummary? summary = null;
        var started = false;
        await foreach (var update in routed.StreamAsync(Model, request, cancellationToken))
        {
            if (update is TextDelta && !started)
            {
                started = true;
                _events.Enqueue(name + ":start");
            }

            if (update is ChatSummary end)
            {
                summary = end;
                _events.Enqueue(name + ":end");
            }
        }

        return summary ?? throw new InvalidOperationException("no summary");
    }
}
