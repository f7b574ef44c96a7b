using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using WebChat.Engine.Inference;
using WebChat.Extensions;
using WebChat.Services.Serving.Engines;
using WebChat.Tests.Support.FakeEngine;
using WebChat.Tests.Unit.Engine.Inference;

namespace WebChat.Tests.Unit.App.Services.Serving;

/// <summary>
/// One per-user share (Inference:MaxRunningPerUser 1, MaxQueuedPerUser 1) over the in-process engine (real LLamaSharp
/// on the tiny model, two sequences) and a remote engine (a fake on Kestrel, room for 16) together: neither engine is
/// ever the limit, so any waiting or refusal is the user's share, counted across both.
/// </summary>
[Collection(RealModelCollection.Name)]
public sealed class CrossEngineUserShareTests : IAsyncLifetime, IDisposable
{
    private const string RemoteModel = "fake-model";
    private readonly InferenceOptions _options = ShareOfOne();
    private readonly UserRequestCounts _counts = new();
    private readonly TaskCompletionSource _remoteRest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _release = new();
    private InferenceEngine _engine = null!;
    private FakeOpenAiEngine _remote = null!;
    private AppServicesHost _app = null!;
    private volatile bool _holding;

    private RoutedChat Routed => _app.Services.GetRequiredService<RoutedChat>();
    private RemoteAdmission Admission => _app.Services.GetRequiredService<RemoteAdmission>();

    public async Task InitializeAsync()
    {
        _engine = new InferenceEngine(RealModel.Loader(_options), Microsoft.Extensions.Options.Options.Create(_options), TimeProvider.System, NullLoggerFactory.Instance, _counts);
        await _engine.LoadAsync(RealModel.Load(sequences: 2));
        _engine.StepCompleted += _ =>
        {
            if (_holding)
            {
                _release.Wait(TimeSpan.FromSeconds(60)); // the loop's own thread: the local answer stays running until released
            }
        };
        _remote = await FakeOpenAiEngine.StartAsync();
        _remote.HoldAfterFirstToken = _remoteRest; // every remote answer stays open after its first token
        _app = await AppServicesHost.StartAsync(builder =>
        {
            builder.AddWebChatEngines();
            builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(_options));
            builder.Services.AddSingleton(_counts);
            builder.Services.AddSingleton<IInferenceEngine>(_engine);
        },
        ("Engines:Remote:0:Name", "gpu"), ("Engines:Remote:0:BaseUrl", _remote.BaseUrl), ("Engines:MaxInFlightPerReplica", "16"));
        var engines = _app.Services.GetRequiredService<RemoteEngines>();
        await engines.ReloadAsync();
        await engines.CheckDueAsync();
    }

    public async Task DisposeAsync()
    {
        _holding = false;
        _release.Set();
        _remoteRest.TrySetResult();
        await _app.DisposeAsync();
        await _remote.DisposeAsync();
        await _engine.DisposeAsync();
    }

    public void Dispose() => _release.Dispose();

    [Fact]
    public async Task A_user_answering_on_the_local_engine_waits_for_the_remote_one_and_is_refused_a_third_request_anywhere()
    {
        using var stopLocal = new CancellationTokenSource();
        _holding = true;
        var local = CollectAsync(_engine.StreamChatAsync(Ask("u"), stopLocal.Token));
        await Eventually.TrueAsync(() => _engine.Status.ActiveSequences == 1, "the user's local answer is being written");

        var remote = ReadRemoteAsync("u");
        await Eventually.TrueAsync(() => Admission.Waiting(RemoteModel) == 1, "the user's remote request waits for their running share");
        var refused = await Assert.ThrowsAsync<UserBusyException>(() => CollectAsync(_engine.StreamChatAsync(Ask("u"))));
        var other = ReadRemoteAsync("v"); // another user goes past: the replica has room

        await Eventually.TrueAsync(() => _remote.Served == 1, "the other user's answer started");
        Assert.Equal(2, refused.Limit);
        Assert.Equal((1, 2), (Admission.Waiting(RemoteModel), _counts.Of("u").InSystem));

        // The local answer ends: the user's remote request is let through.
        _holding = false;
        _release.Set();
        await stopLocal.CancelAsync();
        await local.WaitAsync(TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(() => _remote.Served == 2, "the user's remote answer started once the local one ended");
        _remoteRest.SetResult();
        Assert.All(await Task.WhenAll(remote, other).WaitAsync(TimeSpan.FromSeconds(60)), end => Assert.Equal(FinishReason.Stop, end.FinishReason));
        Assert.Equal((0, 0), _counts.Of("u"));
    }

    [Fact]
    public async Task A_user_answering_on_a_remote_engine_waits_in_the_local_queue_though_a_sequence_is_free()
    {
        var remote = ReadRemoteAsync("u");
        await _remote.FirstTokenSent.Task.WaitAsync(TimeSpan.FromSeconds(60)); // the user's remote answer is being written

        var local = CollectAsync(_engine.StreamChatAsync(Ask("u")));
        await Eventually.TrueAsync(() => _engine.Status.QueuedRequests == 1, "the user's local request is queued");
        // Another user's local answer passes through the loop after the first user's request was seen there.
        var other = RealModel.Summary(await CollectAsync(_engine.StreamChatAsync(Ask("v"))));

        Assert.Contains(other.FinishReason, new[] { FinishReason.Stop, FinishReason.Length });
        Assert.Equal((1, 0), (_engine.Status.QueuedRequests, _engine.Status.ActiveSequences));
        Assert.False(local.IsCompleted);

        // The remote answer ends: the user's local request starts.
        _remoteRest.SetResult();
        Assert.Equal(FinishReason.Stop, (await remote.WaitAsync(TimeSpan.FromSeconds(60))).FinishReason);
        var answer = RealModel.Summary(await local.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(answer.FinishReason, new[] { FinishReason.Stop, FinishReason.Length });
        Assert.Equal((0, 0), _counts.Of("u"));
    }

    private static InferenceOptions ShareOfOne()
    {
        var options = RealModel.Options();
        (options.MaxRunningPerUser, options.MaxQueuedPerUser) = (1, 1);
        return options;
    }

    private static ChatRequest Ask(string user) => RealModel.Ask("hello world", maxTokens: 6) with { UserKey = user, MaxTokens = user == "u" ? 400 : 6 };

    private static async Task<List<ChatUpdate>> CollectAsync(IAsyncEnumerable<ChatUpdate> stream)
    {
        await Task.Yield();
        return await RealModel.CollectAsync(stream);
    }

    private async Task<ChatSummary> ReadRemoteAsync(string user)
    {
        await Task.Yield();
        var request = new ChatRequest { Messages = [new ChatTurn(ChatRole.User, "Hi")], UserKey = user, MaxTokens = 16 };
        ChatSummary? summary = null;
        await foreach (var update in Routed.StreamAsync(RemoteModel, request, CancellationToken.None))
        {
            summary = update as ChatSummary ?? summary;
        }

        return summary ?? throw new InvalidOperationException("no summary");
    }
}
