using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using WebChat.Engine;
using WebChat.Engine.Inference;

namespace WebChat.Tests.Support.Chat;

/// <summary>
/// TEST DOUBLE of <see cref="IInferenceEngine"/> for UI and service tests: streams scripted tokens at a set
/// pace, honours cancellation like the real engine (a Cancelled summary), and can queue or fail on demand.
/// The real engine's behaviour is tested against LLamaSharp in the engine's own tests and in e2e.
/// </summary>
public sealed class ScriptedInferenceEngine : IInferenceEngine
{
    private readonly Observers<EngineStatus> _subscribers = new();
    private readonly Lock _gate = new();

    public EngineStatus Status { get; private set; } = new(EngineState.Ready, "/models/scripted.gguf", "scripted-model");

    /// <summary>The tokens of each answer; enumerated lazily, one token per step.</summary>
    public Func<ChatRequest, IEnumerable<string>> Script { get; set; } = _ => ["Hello", ", ", "world", "!"];

    public TimeSpan TokenDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Queue positions to report before the first token (e.g. 2 reports 2, then 1).</summary>
    public int QueuePositions { get; set; }

    /// <summary>Thrown when a request arrives (ModelNotReadyException, EngineBusyException...).</summary>
    public Exception? FailOnRequest { get; set; }

    /// <summary>Thrown after this many tokens, as a crashing engine would.</summary>
    public int? CrashAfterTokens { get; set; }

    public int DroppedTurns { get; set; }

    /// <summary>When true, a request while the status is not Ready fails as the real engine's does (ModelNotReadyException).</summary>
    public bool RequireReady { get; set; }

    /// <summary>Every load asked for, in order.</summary>
    public List<ModelLoadOptions> Loads { get; } = [];

    /// <summary>Every request received, in order.</summary>
    public List<ChatRequest> Requests { get; } = [];

    public IDisposable Subscribe(Action<EngineStatus> onChange) => _subscribers.Add(onChange);

    public void SetStatus(EngineStatus status)
    {
        Status = status;
        // A test's subscriber that throws fails the test, as it did before the shared Observers.
        _subscribers.Notify(status, exception => ExceptionDispatchInfo.Capture(exception).Throw());
    }

    public async Task LoadAsync(ModelLoadOptions options, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Loads.Add(options);
        }

        var name = options.DisplayName ?? Path.GetFileNameWithoutExtension(options.ModelPath);
        foreach (var progress in new[] { 0.25, 0.5, 0.75 })
        {
            SetStatus(new EngineStatus(EngineState.Loading, options.ModelPath, name, progress));
            await Task.Delay(TokenDelay, cancellationToken);
        }

        SetStatus(new EngineStatus(EngineState.Ready, options.ModelPath, name, 1));
    }

    public Task UnloadAsync(CancellationToken cancellationToken = default)
    {
        SetStatus(EngineStatus.Empty);
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<ChatUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Requests.Add(request);
        }

        if (FailOnRequest is { } failure)
        {
            throw failure;
        }

        if (RequireReady && Status.State != EngineState.Ready)
        {
            throw new ModelNotReadyException("No model is loaded.");
        }

        var started = DateTime.UtcNow;
        for (var position = QueuePositions; position > 0; position--)
        {
            yield return new QueuePosition(position);
            await Task.Delay(TokenDelay, CancellationToken.None);
        }

        var count = 0;
        TimeSpan? firstToken = null;
        // The delay comes before the next token is taken, so a token made lazily (e.g. with a timestamp) is fresh.
        using var tokens = Script(request).GetEnumerator();
        while (true)
        {
            if (cancellationToken.IsCancellationRequested || !await DelayAsync(cancellationToken))
            {
                yield return Summary(FinishReason.Cancelled, count, started, firstToken);
                yield break;
            }

            if (!tokens.MoveNext())
            {
                break;
            }

            if (count == CrashAfterTokens)
            {
                throw new InvalidOperationException("scripted native crash");
            }

            firstToken ??= DateTime.UtcNow - started;
            count++;
            yield return new TextDelta(tokens.Current);
        }

        yield return Summary(count >= request.MaxTokens ? FinishReason.Length : FinishReason.Stop, count, started, firstToken);
    }

    private async Task<bool> DelayAsync(CancellationToken cancellationToken)
    {
        if (TokenDelay <= TimeSpan.Zero)
        {
            return true;
        }

        try
        {
            await Task.Delay(TokenDelay, cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private ChatSummary Summary(FinishReason reason, int tokens, DateTime started, TimeSpan? firstToken)
    {
        var duration = DateTime.UtcNow - started;
        return new ChatSummary
        {
            FinishReason = reason,
            PromptTokens = 12,
            CompletionTokens = tokens,
            TimeToFirstToken = firstToken ?? TimeSpan.Zero,
            Duration = duration,
            TokensPerSecond = duration.TotalSeconds > 0 ? tokens / duration.TotalSeconds : 0,
            DroppedTurns = DroppedTurns,
            Model = Status.ModelName,
        };
    }
}
