using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace WebChat.Engine.Inference;

/// <summary>
/// Continuous batching over the sequences of one loaded model. One loop task alone touches the backend: every
/// step it queues the next token of each generating sequence plus prompt chunks of sequences in prefill, decodes
/// them as one batch, samples, and streams text to each request's own channel. Requests wait in a queue served
/// round-robin across users (<see cref="FairQueue"/>), each user within their share (<see cref="UserAdmission"/>);
/// an idle sequence keeps its conversation's KV cache for the next turn, and a request of the same cache scope reuses
/// the longest common token prefix it holds.
/// </summary>
internal sealed class Scheduler : IModelUser, IAsyncDisposable
{
    private readonly IInferenceBackend _backend;
    private readonly InferenceOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Requests enter here; a null item only wakes the loop (a queued request was cancelled).
    private readonly Channel<SchedulerWork?> _inbox = Channel.CreateUnbounded<SchedulerWork?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _loop;

    // Owned by the loop alone.
    private readonly FairQueue _waiting = new();
    private readonly UserAdmission _admission;
    private readonly UserRequestCounts _userCounts;
    private readonly SequenceSlot[] _slots;
    private long _clock;
    private long _steps;

    private readonly PrefillPacer _pacer;

    // Shared with callers, changed with Interlocked: requests in the system (waiting or generating), waiting ones,
    // generating ones. The first bounds admission, so Busy is decided at once without asking the loop.
    private int _inSystem;
    private int _queued;
    private int _active;
    private int _kvTokens;
    private readonly int _kvCapacity;
    private volatile string? _stopReason;

    // Guards the backend's disposal against callers that tokenize on their own thread (UseModel).
    private readonly Lock _modelUse = new();
    private bool _backendDisposed;

    public Scheduler(IInferenceBackend backend, InferenceOptions options, TimeProvider time, ILogger logger, UserRequestCounts? userCounts = null)
    {
        _backend = backend;
        _options = options;
        _time = time;
        _logger = logger;
        _userCounts = userCounts ?? new UserRequestCounts();
        _admission = new UserAdmission(options, _userCounts);
        // A user's answer ending on another engine may let one of theirs waiting here start: wake the loop to look.
        _userCounts.RunningEnded += WakeLoop;
        _pacer = new PrefillPacer(options);
        _slots = Enumerable.Range(0, backend.SequenceCount).Select(i => new SequenceSlot(i)).ToArray();
        _kvCapacity = backend.SequenceCount * backend.ContextPerSequence;
        // A thread of its own: the decode runs on it, so llama.cpp's OpenMP team stays the same from step to step and
        // no thread-pool hop sits between steps.
        _loop = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Raised (from any thread) when the number of waiting or generating requests changes.</summary>
    public event Action? CountsChanged;

    /// <summary>Raised by the loop after every decode; tests and benchmarks count steps and tokens with it.</summary>
    public event Action<SchedulerStep>? StepCompleted;

    public int QueuedRequests => Volatile.Read(ref _queued);
    public int ActiveSequences => Volatile.Read(ref _active);

    /// <summary>Tokens the sequences hold in the KV cache, as of the loop's last step.</summary>
    public KvCacheUse KvCache => new(Volatile.Read(ref _kvTokens), _kvCapacity);

    /// <summary>True when the loop ended on an unexpected error rather than a stop.</summary>
    public bool Failed { get; private set; }

    /// <summary>Why the scheduler no longer takes requests; null while it runs.</summary>
    public string? StopReason => _stopReason;

    /// <summary>Completes when the loop has ended and the backend is disposed.</summary>
    public Task Completion => _loop;

    /// <summary>Runs read-only model work (template, tokenizer) on the caller's thread; the backend is not disposed meanwhile.</summary>
    public T UseModel<T>(Func<IInferenceBackend, T> work)
    {
        lock (_modelUse)
        {
            return _backendDisposed ? throw new ModelNotReadyException(_stopReason ?? "The model was unloaded.") : work(_backend);
        }
    }

    /// <summary>
    /// Queues a request and returns its stream; throws EngineBusyException at once when the queue is full and
    /// UserBusyException when its user already has their share of requests in the system.
    /// </summary>
    public ChannelReader<ChatUpdate> Submit(PreparedRequest request, CancellationToken cancellationToken)
    {
        if (_stopReason is { } reason)
        {
            throw new ModelNotReadyException(reason);
        }

        if (Interlocked.Increment(ref _inSystem) > _slots.Length + _options.QueueLimit)
        {
            Interlocked.Decrement(ref _inSystem);
            throw new EngineBusyException(_options.QueueLimit);
        }

        UserShareState user;
        try
        {
            user = _admission.Admit(request);
        }
        catch
        {
            Interlocked.Decrement(ref _inSystem);
            throw;
        }

        var work = new SchedulerWork(request, _time.GetTimestamp(), user, cancellationToken);
        Interlocked.Increment(ref _queued);
        work.Registration = cancellationToken.Register(() =>
        {
            work.CancelRequested = true;
            _inbox.Writer.TryWrite(null);
        });
        if (!_inbox.Writer.TryWrite(work))
        {
            Interlocked.Decrement(ref _queued);
            Interlocked.Decrement(ref _inSystem);
            _admission.Release(user, request, started: false);
            work.Registration.Dispose();
            throw new ModelNotReadyException(_stopReason ?? "The model is being unloaded.");
        }

        CountsChanged?.Invoke();
        return work.Output.Reader;
    }

    /// <summary>Ends every request with a Cancelled summary carrying <paramref name="reason"/>, then disposes the backend.</summary>
    public async Task StopAsync(string reason)
    {
        _stopReason ??= reason;
        _inbox.Writer.TryComplete();
        await _shutdown.CancelAsync();
        await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        _userCounts.RunningEnded -= WakeLoop;
        await StopAsync("The model was unloaded.");
        _shutdown.Dispose();
    }

    private void WakeLoop() => _inbox.Writer.TryWrite(null);

    private void Run()
    {
        Thread.CurrentThread.Name = "WebChat inference loop";
        var shutdown = _shutdown.Token;
        try
        {
            while (!shutdown.IsCancellationRequested)
            {
                TakeNewWork();
                EndCancelledActive();
                EndCancelledWaiting();
                StartWaitingRequests();
                ReportQueuePositions();
                if (!_slots.Any(s => s.Active is not null))
                {
                    // Blocking is fine here: the thread is the loop's own and has nothing else to do while idle.
                    if (!_inbox.Reader.WaitToReadAsync(shutdown).AsTask().GetAwaiter().GetResult())
                    {
                        break;
                    }

                    continue;
                }

                var step = QueueNextBatch();
                var started = _time.GetTimestamp();
                if (DecodeWithRecovery())
                {
                    _pacer.Learn(step.TotalTokens, _time.GetElapsedTime(started));
                    StepCompleted?.Invoke(step);
                    SampleDecodedSequences();
                }

                RecordKvCacheUse();
            }
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            // Stopping: every request still here ends below.
        }
        catch (Exception exception)
        {
            // Logged once here; the requests learn it from their summaries and later submissions from _stopReason.
            _logger.LogError(exception, "The inference loop failed; every request ends with an error");
            _stopReason ??= "The engine failed: " + exception.Message;
            Failed = true;
            EndEverything(FinishReason.Error, _stopReason);
        }
        finally
        {
            _stopReason ??= "The model was unloaded.";
            _inbox.Writer.TryComplete();
            EndEverything(FinishReason.Cancelled, _stopReason);
            lock (_modelUse)
            {
                _backendDisposed = true;
                _backend.Dispose();
            }
        }
    }

    private void RecordKvCacheUse()
    {
        var tokens = 0;
        foreach (var slot in _slots)
        {
            tokens += slot.Cached.Count;
        }

        Volatile.Write(ref _kvTokens, tokens);
    }

    private void TakeNewWork()
    {
        while (_inbox.Reader.TryRead(out var work))
        {
            if (work is not null)
            {
                _waiting.Add(work);
            }
        }
    }

    private void EndCancelledWaiting()
    {
        foreach (var work in _waiting.RemoveAll(w => w.CancelRequested))
        {
            Interlocked.Decrement(ref _queued);
            Complete(work, Summary(work, FinishReason.Cancelled, "The request was cancelled."));
        }
    }

    private void StartWaitingRequests()
    {
        while (_waiting.Count > 0 && _slots.Any(s => s.Active is null)
            && _waiting.TakeNext(_admission.MayStart) is { } work)
        {
            var slot = PickSlot(work.Request)!;
            work.User.Running++;
            work.Started = true;
            _admission.Started(work);
            work.User.LastStarted = ++_clock;
            _waiting.Invalidate();
            Interlocked.Increment(ref _active);
            Interlocked.Decrement(ref _queued);
            Start(slot, work);
            CountsChanged?.Invoke();
        }
    }

    // The conversation's own idle sequence first (prefix reuse), then the idle sequence of the same cache scope that
    // shares the longest token prefix with the prompt, then an empty one, then the least recently used idle one.
    private SequenceSlot? PickSlot(PreparedRequest request)
    {
        var idle = _slots.Where(s => s.Active is null).ToList();
        var own = request.ConversationKey is { } conversation ? idle.FirstOrDefault(s => s.ConversationKey == conversation) : null;
        own ??= request.CacheScope is { } scope
            ? idle.Where(s => s.CacheScope == scope && CommonPrefixLength(s.Cached, request.PromptTokens) > 0)
                .MaxBy(s => CommonPrefixLength(s.Cached, request.PromptTokens))
            : null;
        var chosen = own ?? idle.FirstOrDefault(s => s.Cached.Count == 0) ?? idle.MinBy(s => s.LastUsed);
        if (chosen is not null && chosen != own)
        {
            Evict(chosen);
        }

        return chosen;
    }

    private void Start(SequenceSlot slot, SchedulerWork work)
    {
        var prompt = work.Request.PromptTokens;

        // At least one prompt token is decoded again: its logits give the first answer token.
        var reused = Math.Min(CommonPrefixLength(slot.Cached, prompt), prompt.Length - 1);
        if (reused < slot.Cached.Count)
        {
            _backend.Truncate(slot.Index, reused);
            slot.Cached.RemoveRange(reused, slot.Cached.Count - reused);
        }

        slot.ConversationKey = work.Request.ConversationKey;
        slot.CacheScope = work.Request.CacheScope;
        slot.Active = new ActiveSequence(work, reused);
        _backend.ResetSampler(slot.Index, work.Request.Sampling);
    }

    private void ReportQueuePositions()
    {
        var position = 0;
        foreach (var work in _waiting.Order)
        {
            position++;
            if (work.LastPosition != position)
            {
                work.LastPosition = position;
                work.Output.Writer.TryWrite(new QueuePosition(position));
            }
        }
    }

    private void EndCancelledActive()
    {
        foreach (var slot in _slots)
        {
            if (slot.Active is { Work.CancelRequested: true })
            {
                Finish(slot, FinishReason.Cancelled, "The request was cancelled.");
            }
        }
    }

    // Generating sequences first (one token each), then prompt chunks in arrival order within one chunk's budget.
    private SchedulerStep QueueNextBatch()
    {
        var tokens = new Dictionary<int, int>();
        foreach (var slot in _slots)
        {
            if (slot.Active is { PendingToken: { } token } active)
            {
                _backend.Prompt(slot.Index, [token]);
                slot.Cached.Add(token);
                active.PendingToken = null;
                active.SampleAfterDecode = true;
                tokens[slot.Index] = 1;
            }
        }

        // People watching an answer stream wait for this whole step before their next token.
        var budget = _pacer.ChunkTokens(streamingTokens: tokens.Count);
        foreach (var slot in _slots.Where(s => s.Active is { InPrefill: true }).OrderBy(s => s.Active!.Work.SubmittedAt))
        {
            var active = slot.Active!;
            var prompt = active.Work.Request.PromptTokens;
            var count = Math.Min(budget, prompt.Length - active.PromptQueued);
            if (count <= 0)
            {
                break;
            }

            var chunk = prompt.AsSpan(active.PromptQueued, count);
            _backend.Prompt(slot.Index, chunk);
            slot.Cached.AddRange(chunk);
            active.PromptQueued += count;
            active.SampleAfterDecode = active.PromptQueued == prompt.Length;
            tokens[slot.Index] = count;
            budget -= count;
        }

        return new SchedulerStep(++_steps, tokens);
    }

    // A full KV cache leaves the batch queued: free idle caches and retry; with none left, fail the active requests.
    private bool DecodeWithRecovery()
    {
        while (_backend.Decode() == DecodeOutcome.NoKvSlot)
        {
            var idle = _slots.Where(s => s.Active is null && s.Cached.Count > 0).MinBy(s => s.LastUsed);
            if (idle is null)
            {
                _logger.LogWarning("The KV cache is full with no idle sequence to free; failing the active requests");
                foreach (var slot in _slots.Where(s => s.Active is not null))
                {
                    Finish(slot, FinishReason.Error, "The model ran out of context memory. Try a shorter conversation.");
                }

                _backend.Reset();
                foreach (var slot in _slots)
                {
                    slot.Cached.Clear();
                    slot.ConversationKey = null;
                    slot.CacheScope = null;
                }

                return false;
            }

            Evict(idle);
        }

        return true;
    }

    private void SampleDecodedSequences()
    {
        foreach (var slot in _slots)
        {
            if (slot.Active is { SampleAfterDecode: true } active)
            {
                active.SampleAfterDecode = false;
                Accept(slot, active, _backend.Sample(slot.Index));
            }
        }
    }

    private void Accept(SequenceSlot slot, ActiveSequence active, int token)
    {
        active.FirstTokenAt ??= _time.GetTimestamp();
        if (_backend.IsEndOfGeneration(token))
        {
            Finish(slot, FinishReason.Stop);
            return;
        }

        active.CompletionTokens++;
        var text = active.Stops.Append(active.Decoder.Append(_backend.TokenBytes(token)));
        if (text.Length > 0)
        {
            active.Work.Output.Writer.TryWrite(new TextDelta(text));
        }

        if (active.Stops.Stopped)
        {
            Finish(slot, FinishReason.Stop);
        }
        else if (active.CompletionTokens >= active.Work.Request.MaxTokens || slot.Cached.Count >= _backend.ContextPerSequence)
        {
            Finish(slot, FinishReason.Length);
        }
        else
        {
            active.PendingToken = token;
        }
    }

    private void Finish(SequenceSlot slot, FinishReason reason, string? message = null)
    {
        var active = slot.Active!;
        var rest = active.Stops.Append(active.Decoder.Flush()) + active.Stops.Flush();
        if (rest.Length > 0 && reason is not FinishReason.Error)
        {
            active.Work.Output.Writer.TryWrite(new TextDelta(rest));
        }

        slot.Active = null;
        slot.LastUsed = ++_clock;
        active.Work.User.Running--;
        _waiting.Invalidate();
        if (slot.ConversationKey is null && slot.CacheScope is null)
        {
            Evict(slot);
        }

        Interlocked.Decrement(ref _active);
        Complete(active.Work, Summary(active.Work, reason, message, active));
    }

    private ChatSummary Summary(SchedulerWork work, FinishReason reason, string? message, ActiveSequence? active = null)
    {
        var now = _time.GetTimestamp();
        var firstTokenAt = active?.FirstTokenAt;
        var generating = firstTokenAt is { } first ? _time.GetElapsedTime(first, now) : TimeSpan.Zero;
        var completion = active?.CompletionTokens ?? 0;
        return new ChatSummary
        {
            FinishReason = reason,
            PromptTokens = work.Request.PromptTokens.Length,
            ReusedPromptTokens = active?.ReusedTokens ?? 0,
            CompletionTokens = completion,
            TimeToFirstToken = firstTokenAt is { } at ? _time.GetElapsedTime(work.SubmittedAt, at) : TimeSpan.Zero,
            Duration = _time.GetElapsedTime(work.SubmittedAt, now),
            TokensPerSecond = completion > 1 && generating > TimeSpan.Zero ? (completion - 1) / generating.TotalSeconds : 0,
            DroppedTurns = work.Request.DroppedTurns,
            Template = work.Request.Template,
            Model = work.Request.Model,
            Message = message ?? work.Request.FitNote,
        };
    }

    // The count drops before the summary is written, so a caller that reads the summary may submit again at once.
    private void Complete(SchedulerWork work, ChatSummary summary)
    {
        Interlocked.Decrement(ref _inSystem);
        _admission.Release(work.User, work.Request, work.Started);
        work.Registration.Dispose();
        // Counts first: a caller that has read the summary finds the engine's status without this request.
        CountsChanged?.Invoke();
        work.Output.Writer.TryWrite(summary);
        work.Output.Writer.TryComplete();
    }

    private void Evict(SequenceSlot slot)
    {
        if (slot.Cached.Count > 0)
        {
            _backend.Truncate(slot.Index, 0);
            slot.Cached.Clear();
        }

        slot.ConversationKey = null;
        slot.CacheScope = null;
    }

    private void EndEverything(FinishReason reason, string message)
    {
        TakeNewWork();
        foreach (var slot in _slots.Where(s => s.Active is not null))
        {
            Finish(slot, reason, message);
        }

        foreach (var work in _waiting.RemoveAll(_ => true))
        {
            Interlocked.Decrement(ref _queued);
            Complete(work, Summary(work, reason, message));
        }
    }

    private static int CommonPrefixLength(List<int> cached, int[] prompt)
    {
        var length = 0;
        var max = Math.Min(cached.Count, prompt.Length);
        while (length < max && cached[length] == prompt[length])
        {
            length++;
        }

        return length;
    }
}
