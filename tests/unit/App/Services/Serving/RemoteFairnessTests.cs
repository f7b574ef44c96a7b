using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Inference;
using WebChat.Extensions;
using WebChat.Services.Metrics;
using WebChat.Services.Serving.Engines;
using WebChat.Tests.Support.FakeEngine;

namespace WebChat.Tests.Unit.App.Services.Serving;

/// <summary>
/// Two remote replicas (fake engines on Kestrel) that take one request each at a time: the requests beyond that wait
/// in the fair queue and are let through round-robin across users, as the local scheduler does.
/// </summary>
public sealed class RemoteFairnessTests : IAsyncLifetime
{
    private const string Model = "fake-model";
    private readonly TaskCompletionSource _rest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FakeOpenAiEngine _a = null!;
    private FakeOpenAiEngine _b = null!;
    private AppServicesHost _app = null!;

    private RoutedChat Routed => _app.Services.GetRequiredService<RoutedChat>();
    private RemoteAdmission Admission => _app.Services.GetRequiredService<RemoteAdmission>();
    private int Served => _a.Served + _b.Served;

    public async Task InitializeAsync()
    {
        (_a, _b) = (await FakeOpenAiEngine.StartAsync(), await FakeOpenAiEngine.StartAsync());
        _a.HoldAfterFirstToken = _b.HoldAfterFirstToken = _rest; // every answer stays open after its first token
        _app = await AppServicesHost.StartAsync(builder => builder.AddWebChatEngines(),
            ("Engines:Remote:0:Name", "a"), ("Engines:Remote:0:BaseUrl", _a.BaseUrl),
            ("Engines:Remote:1:Name", "b"), ("Engines:Remote:1:BaseUrl", _b.BaseUrl),
            ("Engines:MaxInFlightPerReplica", "1"));
        var engines = _app.Services.GetRequiredService<RemoteEngines>();
        await engines.ReloadAsync();
        await engines.CheckDueAsync();
    }

    public async Task DisposeAsync()
    {
        _rest.TrySetResult();
        await _app.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task One_user_with_six_parallel_requests_does_not_starve_another_users_single_request()
    {
        var started = new ConcurrentDictionary<string, bool>();
        var stops = Enumerable.Range(0, 6).ToDictionary(i => $"heavy-{i}", _ => new CancellationTokenSource());
        var heavy = stops.Select(s => ReadAsync("heavy", s.Key, started, s.Value.Token)).ToList();
        await Eventually.TrueAsync(() => started.Count == 2 && Admission.Waiting(Model) == 4, "two requests answering, four waiting");
        Assert.Equal(2, Served); // one per replica: the limit holds
        // /metrics' gauge reads the same count, per model.
        Assert.Equal([("fake-model", 4)], RemoteEngineGauges.Waiting(Admission).Select(m => ((string)m.Tags[0].Value!, m.Value)));

        var light = ReadAsync("light", "light", started, CancellationToken.None);
        await Eventually.TrueAsync(() => Admission.Waiting(Model) == 5, "the light user's request waiting");
        await stops[started.Keys.First()].CancelAsync(); // one heavy answer ends: its place goes to the light user

        await Eventually.TrueAsync(() => started.ContainsKey("light"), "the light user's answer started before the heavy backlog");
        Assert.Equal((3, 4), (Served, Admission.Waiting(Model)));

        _rest.SetResult();
        Assert.Equal(FinishReason.Stop, (await light.WaitAsync(TimeSpan.FromSeconds(60))).FinishReason);
        var ends = await Task.WhenAll(heavy).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal((1, 5), (ends.Count(e => e.FinishReason == FinishReason.Cancelled), ends.Count(e => e.FinishReason == FinishReason.Stop)));
        Assert.Equal(0, Admission.Waiting(Model));
        foreach (var stop in stops.Values)
        {
            stop.Dispose();
        }
    }

    [Fact]
    public async Task A_request_stopped_while_it_waits_ends_as_cancelled_and_gives_up_its_place()
    {
        var started = new ConcurrentDictionary<string, bool>();
        var holding = new[] { ReadAsync("u1", "one", started, CancellationToken.None), ReadAsync("u2", "two", started, CancellationToken.None) };
        await Eventually.TrueAsync(() => started.Count == 2, "both replicas answering");
        using var stop = new CancellationTokenSource();
        var waiting = ReadAsync("u3", "three", started, stop.Token);
        await Eventually.TrueAsync(() => Admission.Waiting(Model) == 1, "the third request waiting");

        await stop.CancelAsync();

        Assert.Equal(FinishReason.Cancelled, (await waiting.WaitAsync(TimeSpan.FromSeconds(60))).FinishReason);
        Assert.Equal((0, 2), (Admission.Waiting(Model), Served));
        _rest.SetResult();
        await Task.WhenAll(holding).WaitAsync(TimeSpan.FromSeconds(60));
    }

    private async Task<ChatSummary> ReadAsync(string user, string name, ConcurrentDictionary<string, bool> started, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var request = new ChatRequest { Messages = [new ChatTurn(ChatRole.User, "Hi")], UserKey = user, MaxTokens = 16 };
        ChatSummary? summary = null;
        await foreach (var update in Routed.StreamAsync(Model, request, cancellationToken))
        {
            if (update is TextDelta)
            {
                started.TryAdd(name, true);
            }

            summary = update as ChatSummary ?? summary;
        }

        return summary ?? throw new InvalidOperationException("no summary");
    }
}
