using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WebChat.Engine.Inference;
using WebChat.Extensions;
using WebChat.Services.Serving;
using WebChat.Services.Serving.Engines;
using WebChat.Tests.Support.FakeEngine;

namespace WebChat.Tests.Unit.App.Services.Serving;

/// <summary>Two remote replicas of one model (fake OpenAI-compatible engines on Kestrel) behind the router: choice, affinity, failover, cooldown, health.</summary>
public sealed class EngineRoutingTests : IAsyncLifetime
{
    private const string Model = "fake-model";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-06T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private FakeOpenAiEngine _a = null!;
    private FakeOpenAiEngine _b = null!;
    private AppServicesHost _app = null!;

    private RemoteEngines Engines => _app.Services.GetRequiredService<RemoteEngines>();
    private RoutedChat Routed => _app.Services.GetRequiredService<RoutedChat>();

    public async Task InitializeAsync()
    {
        (_a, _b) = (await FakeOpenAiEngine.StartAsync(), await FakeOpenAiEngine.StartAsync());
        _b.RequiredKey = "key-b";
        _app = await AppServicesHost.StartAsync(builder =>
        {
            builder.AddWebChatEngines();
            builder.Services.AddSingleton<WebChat.Services.Models.DefaultModel>(); // RemoteModels reads the default among them
            builder.Services.AddSingleton<TimeProvider>(_time);
        },
        ("Engines:Remote:0:Name", "a"), ("Engines:Remote:0:BaseUrl", _a.BaseUrl), ("Engines:Remote:0:Kind", "llama-server"),
        ("Engines:Remote:1:Name", "b"), ("Engines:Remote:1:BaseUrl", _b.BaseUrl), ("Engines:Remote:1:ApiKey", "key-b"),
        ("Engines:HealthInterval", "00:00:10"), ("Engines:Cooldown", "00:00:30"));
        await Engines.ReloadAsync();
        await Engines.CheckDueAsync();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task A_request_goes_to_the_replica_with_fewer_requests_in_flight()
    {
        _a.HangAfterFirstToken = _b.HangAfterFirstToken = true;
        using var stop = new CancellationTokenSource();
        var first = ReadAsync(Request("c1"), stop.Token);
        await Task.WhenAny(_a.FirstTokenSent.Task, _b.FirstTokenSent.Task).WaitAsync(TimeSpan.FromSeconds(20));
        var busy = _a.Served == 1 ? _a : _b;
        var idle = busy == _a ? _b : _a;
        idle.HangAfterFirstToken = false;

        var second = await ReadAsync(Request("c2"), CancellationToken.None);

        Assert.Equal((1, 1), (busy.Served, idle.Served));
        Assert.Equal("Hello from the fake", second.Text);
        await stop.CancelAsync();
        await first;
    }

    [Fact]
    public async Task The_next_turn_of_a_conversation_goes_to_the_replica_that_served_the_last_while_others_take_new_conversations()
    {
        for (var turn = 0; turn < 3; turn++)
        {
            await ReadAsync(Request("kept"), CancellationToken.None);
        }

        var sticky = _a.Served == 3 ? _a : _b;
        Assert.Equal(3, sticky.Served);
        await ReadAsync(Request("other"), CancellationToken.None);
        await ReadAsync(Request("third"), CancellationToken.None);

        Assert.True(_a.Served >= 1 && _b.Served >= 1, $"new conversations spread over both replicas (a {_a.Served}, b {_b.Served})");
    }

    [Fact]
    public async Task Conversation_affinity_yields_to_a_replica_whose_own_reported_load_is_much_lower()
    {
        // b is down for the first turn, so the conversation starts on a (a llama-server reading its /metrics).
        _b.Up = false;
        _time.Advance(TimeSpan.FromSeconds(10));
        await Engines.CheckDueAsync();
        await ReadAsync(Request("kept"), CancellationToken.None);
        Assert.Equal((1, 0), (_a.Served, _b.Served));

        // a reports 2 requests of other clients: within the slack, the next turn stays there for its prefix cache.
        (_b.Up, _a.ReportedLoad) = (true, 2);
        _time.Advance(TimeSpan.FromSeconds(10));
        await Engines.CheckDueAsync();
        await ReadAsync(Request("kept"), CancellationToken.None);
        Assert.Equal((2, 0), (_a.Served, _b.Served));

        // a reports 6: the next turn goes to the idle b, though a served the conversation so far.
        _a.ReportedLoad = 6;
        _time.Advance(TimeSpan.FromSeconds(10));
        await Engines.CheckDueAsync();
        Assert.Equal(6, Engines.Views().Single(v => v.Name == "a").Load);
        await ReadAsync(Request("kept"), CancellationToken.None);
        Assert.Equal((2, 1), (_a.Served, _b.Served));
    }

    [Fact]
    public async Task A_replica_failing_before_the_first_token_is_cooled_down_and_the_request_is_answered_by_the_other()
    {
        _a.FailWithStatus = 500;

        for (var i = 0; i < 3; i++)
        {
            var answer = await ReadAsync(Request($"c{i}"), CancellationToken.None);
            Assert.Equal(("Hello from the fake", FinishReason.Stop, "b"), (answer.Text, answer.Summary.FinishReason, answer.Summary.Engine));
        }

        var a = Engines.Views().Single(v => v.Name == "a");
        Assert.True(a.CoolingDown);
        Assert.Contains("500", a.LastError, StringComparison.Ordinal);
        Assert.Equal(3, _b.Served);
    }

    [Fact]
    public async Task A_cooled_down_replica_gets_requests_again_once_its_cooldown_is_over()
    {
        _a.FailWithStatus = 500;
        await ReadAsync(Request("x"), CancellationToken.None);
        await ReadAsync(Request("y"), CancellationToken.None);
        _a.FailWithStatus = null;
        var servedByB = _b.Served;
        await ReadAsync(Request("z"), CancellationToken.None);
        Assert.Equal(servedByB + 1, _b.Served); // still cooling down

        _time.Advance(TimeSpan.FromSeconds(31));
        await ReadAsync(Request("w1"), CancellationToken.None);
        await ReadAsync(Request("w2"), CancellationToken.None);

        Assert.True(_a.Served >= 1, "the recovered replica takes requests again");
        Assert.False(Engines.Views().Single(v => v.Name == "a").CoolingDown);
    }

    [Fact]
    public async Task With_every_replica_failing_the_request_is_refused_with_each_reason()
    {
        _a.FailWithStatus = 500;
        _b.FailWithStatus = 503;

        var refused = await Assert.ThrowsAsync<ModelNotReadyException>(() => ReadAsync(Request("c"), CancellationToken.None));

        Assert.Contains("a: the engine answered 500", refused.Message, StringComparison.Ordinal);
        Assert.Contains("b: the engine answered 503", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_replica_that_breaks_off_after_the_first_token_ends_the_answer_with_the_error_and_keeps_the_text()
    {
        _a.DropAfterTokens = _b.DropAfterTokens = 2;

        var answer = await ReadAsync(Request("c"), CancellationToken.None);

        Assert.Equal("Hello from", answer.Text);
        Assert.Equal(FinishReason.Error, answer.Summary.FinishReason);
        Assert.Contains("stopped in the middle of the answer", answer.Summary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_an_answer_cancels_the_request_on_the_remote_engine()
    {
        _a.HangAfterFirstToken = _b.HangAfterFirstToken = true;
        using var stop = new CancellationTokenSource();
        // Stop once the reader holds the first piece (the engine having sent it is not enough: it may still be in flight).
        var firstText = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = ReadAsync(Request("c"), stop.Token, update => _ = update is TextDelta && firstText.TrySetResult());
        await firstText.Task.WaitAsync(TimeSpan.FromSeconds(20));

        await stop.CancelAsync();
        var answer = await reading.WaitAsync(TimeSpan.FromSeconds(20));

        await Task.WhenAny(_a.CancelSeen.Task, _b.CancelSeen.Task).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(("Hello", FinishReason.Cancelled), (answer.Text, answer.Summary.FinishReason));
    }

    [Fact]
    public async Task Stop_closes_the_remote_request_at_once_instead_of_reading_the_rest_of_the_answer_to_its_end()
    {
        // The rest of a long answer (about 500 KB) is released only after the Stop. An HTTP client that drains an
        // unfinished response to reuse its connection would read it all, and the engine would finish an answer no one
        // reads (and record it as complete, not cancelled): the flaky second-WebChat Stop test of 2026-12-06.
        var rest = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _a.HoldAfterFirstToken = _b.HoldAfterFirstToken = rest;
        _a.Tokens = _b.Tokens = ["Hello", .. Enumerable.Repeat(" word", 4000)];
        using var stop = new CancellationTokenSource();

        var answer = await ReadAsync(Request("c"), stop.Token, update =>
        {
            if (update is TextDelta)
            {
                stop.Cancel(); // Stop after the first piece, as the chat page's button does
            }
        });
        rest.SetResult();

        await Eventually.TrueAsync(() => _a.Cancelled + _b.Cancelled + _a.Completed + _b.Completed == 1, "the engine ended its request");
        Assert.Equal(("Hello", FinishReason.Cancelled), (answer.Text, answer.Summary.FinishReason));
        Assert.Equal((1, 0), (_a.Cancelled + _b.Cancelled, _a.Completed + _b.Completed));
    }

    [Fact]
    public async Task Usage_and_reasoning_content_of_the_remote_engine_reach_the_summary_and_the_reasoning()
    {
        _a.Reasoning = _b.Reasoning = ["Let me ", "think."];

        var answer = await ReadAsync(Request("c"), CancellationToken.None);

        Assert.Equal("Let me think.", answer.Reasoning);
        Assert.Equal((7, 3, 4, Model), (answer.Summary.PromptTokens, answer.Summary.ReusedPromptTokens, answer.Summary.CompletionTokens, answer.Summary.Model));
    }

    [Fact]
    public async Task A_wrong_key_shows_as_refused_on_the_engine_and_its_models_are_not_offered_there()
    {
        _b.RequiredKey = "another-key";
        _time.Advance(TimeSpan.FromSeconds(11));

        await Engines.CheckDueAsync();

        var b = Engines.Views().Single(v => v.Name == "b");
        Assert.Equal(RemoteEngineHealth.Unauthorized, b.Health);
        Assert.Contains("refused the API key (401)", b.LastError, StringComparison.Ordinal);
        Assert.Empty(b.Models);
        Assert.Equal(RemoteEngineHealth.Ready, Engines.Views().Single(v => v.Name == "a").Health);
    }

    [Fact]
    public async Task An_engine_that_goes_down_is_unavailable_after_the_next_check_and_available_again_once_it_answers()
    {
        _a.Up = _b.Up = false;
        _time.Advance(TimeSpan.FromSeconds(10));
        await Engines.CheckDueAsync();
        Assert.False(Routed.IsAvailable(Model));
        Assert.All(Engines.Views(), v => Assert.Equal(RemoteEngineHealth.Down, v.Health));
        // Shown as unavailable, not gone: the picker and the Library keep it while its engines are down.
        var shown = Assert.Single(await _app.Services.GetRequiredService<RemoteModels>().ListAsync(), m => m.ModelName == Model);
        Assert.False(shown.IsAvailable);

        _a.Up = _b.Up = true;
        _time.Advance(TimeSpan.FromSeconds(9));
        await Engines.CheckDueAsync();
        Assert.False(Routed.IsAvailable(Model)); // the next check is one interval after the failed one
        _time.Advance(TimeSpan.FromSeconds(1));
        await Engines.CheckDueAsync();

        Assert.True(Routed.IsAvailable(Model));
    }

    [Fact]
    public void Load_reported_in_prometheus_text_is_summed_over_label_sets()
    {
        const string metrics = "# HELP llamacpp:requests_processing Number of requests processing.\nllamacpp:requests_processing 2\nllamacpp:requests_deferred 1\n"
            + "vllm:num_requests_running{model_name=\"m\"} 3.0\nvllm:num_requests_running{model_name=\"n\"} 1.0\n";

        Assert.Equal(3, RemoteEngines.SumOf(metrics, ["llamacpp:requests_processing", "llamacpp:requests_deferred"]));
        Assert.Equal(4, RemoteEngines.SumOf(metrics, ["vllm:num_requests_running"]));
        Assert.Null(RemoteEngines.SumOf(metrics, ["vllm:num_requests_waiting"]));
    }

    private static ChatRequest Request(string conversation) => new() { Messages = [new ChatTurn(ChatRole.User, "Hi")], ConversationKey = conversation, MaxTokens = 16 };

    private async Task<(string Text, string Reasoning, ChatSummary Summary)> ReadAsync(
        ChatRequest request, CancellationToken cancellationToken, Action<ChatUpdate>? onUpdate = null)
    {
        var (text, reasoning) = (new System.Text.StringBuilder(), new System.Text.StringBuilder());
        ChatSummary? summary = null;
        await foreach (var update in Routed.StreamAsync(Model, request, cancellationToken))
        {
            onUpdate?.Invoke(update);
            _ = update switch
            {
                TextDelta t => text.Append(t.Text),
                ReasoningDelta r => reasoning.Append(r.Text),
                ChatSummary s => (summary = s) is null ? text : text,
                _ => text,
            };
        }

        return (text.ToString(), reasoning.ToString(), summary ?? throw new InvalidOperationException("no summary"));
    }
}
