using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebChat.Engine.Inference;
using WebChat.Extensions;
using WebChat.Services.Serving;
using WebChat.Services.Serving.Engines;
using WebChat.Tests.Support.FakeEngine;
using WebChat.Tests.Support.Models;
using WebChat.Tests.Unit.Engine.Inference;

namespace WebChat.Tests.Unit.App.Services.Serving;

/// <summary>
/// One model served by the in-process engine (real LLamaSharp on the tiny generated model, one sequence, a queue of
/// one) and by a remote engine (a fake llama-server on Kestrel listing the same GGUF file name): the router treats
/// both as replicas. The local engine is made busy by holding its loop after a step, as the engine's own tests do.
/// </summary>
[Collection(RealModelCollection.Name)]
public sealed class LocalAndRemoteReplicaTests : IAsyncLifetime, IDisposable
{
    private static readonly string Model = Path.GetFileName(TestModels.Tiny); // what llama-server lists for the file it serves
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-07T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly ManualResetEventSlim _release = new();
    private readonly CancellationTokenSource _stopHeld = new();
    private readonly List<(IAsyncEnumerator<ChatUpdate> Stream, Task<bool> FirstMove)> _held = [];
    private InferenceEngine _engine = null!;
    private FakeOpenAiEngine _remote = null!;
    private AppServicesHost _app = null!;
    private volatile bool _holding;

    private RemoteEngines Engines => _app.Services.GetRequiredService<RemoteEngines>();
    private RoutedChat Routed => _app.Services.GetRequiredService<RoutedChat>();

    public async Task InitializeAsync()
    {
        _engine = RealModel.CreateEngine(RealModel.Options(queueLimit: 1));
        await _engine.LoadAsync(RealModel.Load(sequences: 1));
        _engine.StepCompleted += _ =>
        {
            if (_holding)
            {
                _release.Wait(TimeSpan.FromSeconds(60)); // the loop's own thread: the local engine stays busy until released
            }
        };
        _remote = await FakeOpenAiEngine.StartAsync();
        _remote.Models.Clear();
        _remote.Models.Add(Model);
        _app = await AppServicesHost.StartAsync(builder =>
        {
            builder.AddWebChatEngines();
            builder.Services.AddSingleton<WebChat.Services.Models.DefaultModel>();
            builder.Services.AddSingleton<IInferenceEngine>(_engine);
            builder.Services.AddSingleton<TimeProvider>(_time);
        },
        ("Engines:Remote:0:Name", "gpu"), ("Engines:Remote:0:BaseUrl", _remote.BaseUrl), ("Engines:Remote:0:Kind", "llama-server"),
        ("Engines:HealthInterval", "00:00:10"), ("Engines:Cooldown", "00:00:30"));
        await Engines.ReloadAsync();
        await Engines.CheckDueAsync();
    }

    public async Task DisposeAsync()
    {
        ReleaseLocal();
        await _stopHeld.CancelAsync();
        foreach (var (stream, firstMove) in _held)
        {
            await DrainAsync(stream, firstMove);
        }

        await _app.DisposeAsync();
        await _remote.DisposeAsync();
        await _engine.DisposeAsync();
    }

    public void Dispose()
    {
        _release.Dispose();
        _stopHeld.Dispose();
    }

    [Theory]
    [InlineData("webchat-tiny.gguf", true)]
    [InlineData("models/bartowski/webchat-tiny.gguf", true)]
    [InlineData("WEBCHAT-TINY", true)]
    [InlineData("Team model", true)]
    [InlineData("webchat-tiny-q4", false)]
    [InlineData("team", false)]
    public void A_remote_model_is_the_local_one_when_it_names_the_same_gguf_file_or_the_same_display_name(string remoteModel, bool same)
    {
        Assert.Equal(same, LocalReplica.IsSameModel(remoteModel, "/data/models/owner/repo/webchat-tiny.gguf", "Team model"));
    }

    [Fact]
    public void A_remote_engine_may_not_take_the_in_process_engines_name() =>
        Assert.Contains("in-process engine's name", RemoteEngineRules.Check("Local", "http://gpu-box:8000/v1", EngineKinds.OpenAi), StringComparison.Ordinal);

    [Fact]
    public async Task The_model_lists_both_engines_and_the_in_process_one_stops_being_a_replica_once_it_unloads()
    {
        var shown = Assert.Single(await _app.Services.GetRequiredService<RemoteModels>().ListAsync());
        Assert.Equal((Model, true), (shown.ModelName, shown.IsAvailable));
        Assert.Equal(["gpu", "local"], shown.Engines);

        await _engine.UnloadAsync();

        Assert.Equal(["gpu"], _app.Services.GetRequiredService<EngineRouter>().EnginesOf(Model));
    }

    [Fact]
    public async Task A_request_goes_to_the_local_engine_when_the_remote_is_busier_and_to_the_remote_when_the_local_is()
    {
        await ReportRemoteLoadAsync(3);
        var first = await ReadAsync(Ask("c1"), CancellationToken.None);
        Assert.Equal((null, 0), (first.Summary.Engine, _remote.Served));
        Assert.NotEmpty(first.Text);

        await ReportRemoteLoadAsync(0);
        await HoldLocalAsync(); // one answer holds the local engine's one sequence

        var second = await ReadAsync(Ask("c2"), CancellationToken.None);

        Assert.Equal(("gpu", 1), (second.Summary.Engine, _remote.Served));
        Assert.Equal("Hello from the fake", second.Text);
    }

    [Fact]
    public async Task The_next_turn_of_a_conversation_goes_back_to_the_replica_that_holds_its_cache()
    {
        // Started on the local engine (the remote reports more load); then both are idle: a tie the router would otherwise alternate.
        await ReportRemoteLoadAsync(1);
        var turn = Ask("kept");
        var answer = await ReadAsync(turn, CancellationToken.None);
        await ReportRemoteLoadAsync(0);
        for (var i = 0; i < 3; i++)
        {
            turn = turn with { Messages = [.. turn.Messages, new ChatTurn(ChatRole.Assistant, answer.Text), new ChatTurn(ChatRole.User, "tell me more")] };
            answer = await ReadAsync(turn, CancellationToken.None);
            Assert.Null(answer.Summary.Engine);
            Assert.True(answer.Summary.ReusedPromptTokens > 0, $"turn {i + 2} reused {answer.Summary.ReusedPromptTokens} cached prompt tokens");
        }

        Assert.Equal(0, _remote.Served);

        // A conversation started on the remote engine (the local one busy) stays there once the local one is idle again.
        await HoldLocalAsync();
        await ReadAsync(Ask("remote-kept"), CancellationToken.None);
        await ReleaseHeldAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("gpu", (await ReadAsync(Ask("remote-kept"), CancellationToken.None)).Summary.Engine);
        }

        Assert.Equal(4, _remote.Served);
    }

    [Fact]
    public async Task A_remote_replica_failing_before_the_first_token_is_cooled_down_and_the_local_engine_answers()
    {
        _remote.FailWithStatus = 500;
        await HoldLocalAsync(); // the remote is the less busy one, so it is tried first

        var reading = ReadAsync(Ask("c"), CancellationToken.None);
        await Eventually.TrueAsync(() => Engines.Views().Single().CoolingDown, "the failing remote cooled down");
        await ReleaseHeldAsync();
        var answer = await reading.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Null(answer.Summary.Engine);
        Assert.Contains(answer.Summary.FinishReason, new[] { FinishReason.Stop, FinishReason.Length });
        Assert.Contains("500", Engines.Views().Single().LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_local_engine_refusing_before_the_first_token_sends_the_request_to_the_remote_replica()
    {
        // The local engine's one sequence and its one queue place are taken; the remote reports more load, so the local is tried first.
        await HoldLocalAsync();
        await HoldLocalAsync(expectRunning: false);
        await ReportRemoteLoadAsync(5);

        var answer = await ReadAsync(Ask("c"), CancellationToken.None);

        Assert.Equal(("gpu", "Hello from the fake"), (answer.Summary.Engine, answer.Text));
        Assert.True(_app.Services.GetRequiredService<EngineRouter>().IsAvailable(Model));
        Assert.False(_app.Services.GetRequiredService<LocalReplica>().IsCoolingDown(_time.GetUtcNow()), "a full queue is load, not a failure");
    }

    private static ChatRequest Ask(string conversation) => RealModel.Ask("hello world", maxTokens: 6, conversation: conversation);

    private async Task ReportRemoteLoadAsync(int load)
    {
        _remote.ReportedLoad = load;
        _time.Advance(TimeSpan.FromSeconds(10));
        await Engines.CheckDueAsync();
        Assert.Equal(load, Engines.Views().Single().Load);
    }

    // Submits a long answer straight to the local engine and keeps its loop held after the next step.
    private async Task HoldLocalAsync(bool expectRunning = true)
    {
        _holding = true;
        var before = _engine.Status;
        var held = _engine.StreamChatAsync(RealModel.Ask("Tell me a long story", maxTokens: 400), _stopHeld.Token).GetAsyncEnumerator();
        _held.Add((held, held.MoveNextAsync().AsTask())); // submits synchronously
        await Eventually.TrueAsync(
            () => expectRunning ? _engine.Status.ActiveSequences == before.ActiveSequences + 1 : _engine.Status.QueuedRequests == before.QueuedRequests + 1,
            "the held answer is in the local engine");
    }

    private void ReleaseLocal()
    {
        _holding = false;
        _release.Set();
    }

    private async Task ReleaseHeldAsync()
    {
        ReleaseLocal();
        await _stopHeld.CancelAsync();
        await Eventually.TrueAsync(() => _engine.Status is { ActiveSequences: 0, QueuedRequests: 0 }, "the held answers ended");
    }

    private static async Task DrainAsync(IAsyncEnumerator<ChatUpdate> held, Task<bool> firstMove)
    {
        try
        {
            if (await firstMove)
            {
                while (await held.MoveNextAsync())
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
            // cancelled while its prompt was still being fitted: it ends here
        }

        await held.DisposeAsync();
    }

    private async Task<(string Text, ChatSummary Summary)> ReadAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        ChatSummary? summary = null;
        await foreach (var update in Routed.StreamAsync(Model, request, cancellationToken))
        {
            if (update is TextDelta delta)
            {
                text.Append(delta.Text);
            }

            summary = update as ChatSummary ?? summary;
        }

        return (text.ToString(), summary ?? throw new InvalidOperationException("no summary"));
    }
}
