using Microsoft.Extensions.Time.Testing;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using WebChat.Engine.Inference;
using static WebChat.Tests.Unit.Engine.Inference.ChatUpdateStreams;

namespace WebChat.Tests.Unit.Engine.Inference;

public sealed class SchedulerTests : IAsyncDisposable
{
    private readonly FakeInferenceBackend _backend;
    private readonly Scheduler _scheduler;

    public SchedulerTests() : this(sequences: 2)
    {
    }

    private SchedulerTests(int sequences, int context = 4096, int chunk = 64, int queueLimit = 4)
    {
        _backend = new FakeInferenceBackend(sequences, context);
        _scheduler = CreateScheduler(_backend, chunk, queueLimit);
    }

    public async ValueTask DisposeAsync() => await _scheduler.DisposeAsync();

    private static Scheduler CreateScheduler(FakeInferenceBackend backend, int chunk = 64, int queueLimit = 4) =>
        new(backend, new InferenceOptions { PrefillChunkTokens = chunk, QueueLimit = queueLimit }, TimeProvider.System, NullLogger.Instance);

    private static PreparedRequest Request(string prompt, string? conversation = null, int maxTokens = 1024, params string[] stops) => new()
    {
        PromptTokens = FakeInferenceBackend.Chars(prompt),
        ConversationKey = conversation,
        MaxTokens = maxTokens,
        StopStrings = stops,
        Template = "fake-template",
        Model = "fake",
    };

    private static string Text(IEnumerable<ChatUpdate> updates) => string.Concat(updates.OfType<TextDelta>().Select(d => d.Text));

    private static ChatSummary Summary(IEnumerable<ChatUpdate> updates) => Assert.IsType<ChatSummary>(updates.Last());

    [Fact]
    public async Task A_request_streams_its_answer_and_ends_with_one_summary()
    {
        var updates = await ReadAllAsync(_scheduler.Submit(Request("Hi"), CancellationToken.None));

        Assert.Equal("Hello!", Text(updates));
        var summary = Summary(updates);
        Assert.Single(updates.OfType<ChatSummary>());
        Assert.Equal(FinishReason.Stop, summary.FinishReason);
        Assert.Equal(2, summary.PromptTokens);
        Assert.Equal(6, summary.CompletionTokens);
        Assert.Equal("fake-template", summary.Template);
    }

    [Fact]
    public async Task The_kv_cache_use_counts_the_tokens_a_finished_sequence_keeps_for_reuse()
    {
        Assert.Equal(new KvCacheUse(0, 2 * 4096), _scheduler.KvCache);

        await ReadAllAsync(_scheduler.Submit(Request("Hi", conversation: "c1"), CancellationToken.None));

        // The prompt (2) and the answer's tokens stay cached for the conversation's next turn.
        var use = await Eventually.ValueAsync(() => Task.FromResult(_scheduler.KvCache), u => u.Tokens >= 2 + 5, u => $"{u.Tokens} tokens cached");
        Assert.InRange(use.Tokens, 2 + 5, 2 + 6);
        Assert.Equal(2 * 4096, use.Capacity);
    }

    [Fact]
    public async Task A_long_prompt_is_decoded_in_chunks_of_the_configured_size()
    {
        var updates = await ReadAllAsync(_scheduler.Submit(Request(new string('p', 200)), CancellationToken.None));

        Assert.Equal(FinishReason.Stop, Summary(updates).FinishReason);
        var prefill = _backend.Batches.Take(4).Select(b => b.Values.Single()).ToArray();
        Assert.Equal([64, 64, 64, 8], prefill);
        Assert.All(_backend.Batches.Skip(4), b => Assert.Equal(1, b.Values.Single()));
    }

    // Every step takes 64 ms on the scheduler's clock (the fake clock moves inside the decode, no thread sleeps)
    // against a 16 ms step budget and 64-token chunks.
    private static (FakeInferenceBackend Backend, Scheduler Scheduler) SlowStepScheduler()
    {
        var time = new FakeTimeProvider();
        var backend = new FakeInferenceBackend(sequences: 2) { BeforeDecode = () => time.Advance(TimeSpan.FromMilliseconds(64)) };
        var options = new InferenceOptions { PrefillChunkTokens = 64, PrefillStepBudget = TimeSpan.FromMilliseconds(16) };
        return (backend, new Scheduler(backend, options, time, NullLogger.Instance));
    }

    [Fact]
    public async Task Chunks_shrink_to_the_step_budget_while_another_answer_streams()
    {
        var (backend, scheduler) = SlowStepScheduler();
        await using var _ = scheduler;
        // The fake steps cost no real time: unheld, the streaming answer could reach its 1,024 tokens and end before
        // the prompt below is submitted, and no step would carry both. Its third step waits for that submission.
        using var promptSubmitted = new ManualResetEventSlim();
        var advance = backend.BeforeDecode!;
        var decodes = 0;
        backend.BeforeDecode = () =>
        {
            if (++decodes == 3)
            {
                promptSubmitted.Wait(TimeSpan.FromSeconds(30));
            }

            advance();
        };
        using var stopStreaming = new CancellationTokenSource();
        var streaming = scheduler.Submit(Request(FakeInferenceBackend.Endless + "go"), stopStreaming.Token);
        await streaming.ReadAsync();

        var prompt = scheduler.Submit(Request(new string('p', 200), maxTokens: 1), CancellationToken.None);
        promptSubmitted.Set();
        await ReadAllAsync(prompt);
        await stopStreaming.CancelAsync();
        await ReadAllAsync(streaming);

        // The first chunk is full size and takes at least 1 ms per token; later chunks fit 16 ms, at the 16-token floor.
        var streamingSequence = backend.Batches[0].Keys.Single();
        var chunks = backend.Batches.Where(b => b.Count == 2).Select(b => b.Single(s => s.Key != streamingSequence).Value).ToArray();
        Assert.Equal(64, chunks[0]);
        Assert.All(chunks[1..^1], c => Assert.Equal(16, c));
        Assert.Equal(200, chunks.Sum());
    }

    [Fact]
    public async Task A_prompt_with_no_answer_streaming_beside_it_goes_in_full_chunks_however_slow_the_steps()
    {
        var (backend, scheduler) = SlowStepScheduler();
        await using var _ = scheduler;

        await ReadAllAsync(scheduler.Submit(Request(new string('p', 200), maxTokens: 1), CancellationToken.None));

        var chunks = backend.Batches.Select(b => b.Values.Single()).ToArray();
        Assert.Equal([64, 64, 64, 8], chunks);
    }

    [Fact]
    public async Task A_generating_sequence_gets_its_next_token_in_the_same_batch_as_another_prompt_chunk()
    {
        _backend.Answer = null;
        using var stopFirst = new CancellationTokenSource();
        var first = _scheduler.Submit(Request("a"), stopFirst.Token);
        await first.ReadAsync();
        var second = _scheduler.Submit(Request(new string('p', 200), maxTokens: 1), CancellationToken.None);
        var secondUpdates = await ReadAllAsync(second);
        await stopFirst.CancelAsync();
        await ReadAllAsync(first);

        Assert.Equal(FinishReason.Length, Summary(secondUpdates).FinishReason);
        var mixed = _backend.Batches.Where(b => b.Count == 2).ToList();
        Assert.True(mixed.Count >= 4, "every prompt chunk of the second request rode along with a token of the first");
        Assert.All(mixed, b => Assert.Contains(1, b.Values));
    }

    [Fact]
    public async Task Cancelling_during_a_long_prompt_stops_decoding_it_within_one_chunk()
    {
        using var cancel = new CancellationTokenSource();
        var stepsWithPrompt = 0;
        _scheduler.StepCompleted += step =>
        {
            if (step.TokensBySequence.Count > 0 && ++stepsWithPrompt == 2)
            {
                cancel.Cancel();
            }
        };

        var updates = await ReadAllAsync(_scheduler.Submit(Request(new string('p', 2000)), cancel.Token));

        Assert.Equal(FinishReason.Cancelled, Summary(updates).FinishReason);
        Assert.Equal(2, _backend.Batches.Count);
        Assert.Equal(0, Summary(updates).CompletionTokens);
    }

    [Fact]
    public async Task Cancelling_during_generation_ends_the_stream_and_frees_the_sequence()
    {
        _backend.Answer = null;
        using var cancel = new CancellationTokenSource();
        // The loop may run ahead of this reader on a busy machine: from its 7th decode on it waits for the cancel,
        // so the count below measures how soon a cancel ends the stream, not how fast the reader was scheduled.
        // CancelAsync runs the token's callbacks on the thread pool; the loop must see the cancel without them.
        var decodes = 0;
        _backend.BeforeDecode = () =>
        {
            if (++decodes >= 7)
            {
                cancel.Token.WaitHandle.WaitOne(TimeSpan.FromSeconds(10));
            }
        };
        var reader = _scheduler.Submit(Request("go"), cancel.Token);
        var seen = 0;
        var updates = new List<ChatUpdate>();
        await foreach (var update in reader.ReadAllAsync())
        {
            updates.Add(update);
            if (update is TextDelta && ++seen == 5)
            {
                await cancel.CancelAsync();
            }
        }

        var summary = Summary(updates);
        Assert.Equal(FinishReason.Cancelled, summary.FinishReason);
        Assert.InRange(summary.CompletionTokens, 5, 7);
        Assert.Equal(0, _scheduler.ActiveSequences);
    }

    [Fact]
    public async Task Requests_beyond_the_sequences_wait_in_order_and_learn_their_queue_position()
    {
        await using var single = new SchedulerTests(sequences: 1);
        single._backend.Answer = FakeInferenceBackend.Chars("ok");
        using var stopFirst = new CancellationTokenSource();
        var first = single._scheduler.Submit(Request("∞a"), stopFirst.Token);
        await first.ReadAsync();
        var second = single._scheduler.Submit(Request("b"), CancellationToken.None);
        var third = single._scheduler.Submit(Request("c"), CancellationToken.None);

        Assert.Equal(new QueuePosition(1), await second.ReadAsync());
        Assert.Equal(new QueuePosition(2), await third.ReadAsync());
        await stopFirst.CancelAsync();
        var firstUpdates = await ReadAllAsync(first);
        var secondUpdates = await ReadAllAsync(second);
        var thirdUpdates = await ReadAllAsync(third);

        Assert.Equal(FinishReason.Cancelled, Summary(firstUpdates).FinishReason);
        Assert.Equal("ok", Text(secondUpdates));
        Assert.Equal(new QueuePosition(1), thirdUpdates.First());
        Assert.Equal("ok", Text(thirdUpdates));
    }

    [Fact]
    public async Task A_full_queue_refuses_the_next_request_at_once_with_busy()
    {
        await using var small = new SchedulerTests(sequences: 1, queueLimit: 1);
        small._backend.Answer = null;
        using var stop = new CancellationTokenSource();
        var first = small._scheduler.Submit(Request("a"), stop.Token);
        var second = small._scheduler.Submit(Request("b"), stop.Token);

        var busy = Assert.Throws<EngineBusyException>(() => small._scheduler.Submit(Request("c"), CancellationToken.None));

        Assert.Equal(1, busy.QueueLength);
        await stop.CancelAsync();
        await ReadAllAsync(first);
        await ReadAllAsync(second);
        var afterwards = await ReadAllAsync(small._scheduler.Submit(Request("d", maxTokens: 1), CancellationToken.None));
        Assert.Equal(FinishReason.Length, Summary(afterwards).FinishReason);
    }

    [Fact]
    public async Task A_request_cancelled_while_queued_ends_without_being_decoded()
    {
        await using var single = new SchedulerTests(sequences: 1);
        single._backend.Answer = null;
        using var stopFirst = new CancellationTokenSource();
        using var stopSecond = new CancellationTokenSource();
        var first = single._scheduler.Submit(Request("a"), stopFirst.Token);
        var second = single._scheduler.Submit(Request("bbbb"), stopSecond.Token);
        Assert.Equal(new QueuePosition(1), await second.ReadAsync());

        await stopSecond.CancelAsync();
        var secondUpdates = await ReadAllAsync(second);
        await stopFirst.CancelAsync();
        await ReadAllAsync(first);

        Assert.Equal(FinishReason.Cancelled, Summary(secondUpdates).FinishReason);
        Assert.DoesNotContain(single._backend.Batches, b => b.Values.Contains(4));
        Assert.Equal(0, single._scheduler.QueuedRequests);
    }

    [Fact]
    public async Task The_next_turn_of_a_conversation_decodes_only_what_follows_the_cached_prefix()
    {
        var firstTurn = await ReadAllAsync(_scheduler.Submit(Request("<User>Hi<Assistant>", "chat-1"), CancellationToken.None));
        var decodedBefore = _backend.Batches.Sum(b => b.Values.Sum());
        var secondPrompt = "<User>Hi<Assistant>Hello!<User>More<Assistant>";

        var secondTurn = await ReadAllAsync(_scheduler.Submit(Request(secondPrompt, "chat-1"), CancellationToken.None));

        Assert.Equal(0, Summary(firstTurn).ReusedPromptTokens);
        var summary = Summary(secondTurn);
        Assert.Equal("<User>Hi<Assistant>Hello!".Length, summary.ReusedPromptTokens);
        var promptDecoded = _backend.Batches.Sum(b => b.Values.Sum()) - decodedBefore - (summary.CompletionTokens);
        Assert.Equal(secondPrompt.Length - summary.ReusedPromptTokens, promptDecoded);
    }

    [Fact]
    public async Task A_new_conversation_evicts_the_least_recently_used_idle_cache()
    {
        await ReadAllAsync(_scheduler.Submit(Request("<User>A<Assistant>", "a"), CancellationToken.None));
        await ReadAllAsync(_scheduler.Submit(Request("<User>B<Assistant>", "b"), CancellationToken.None));
        await ReadAllAsync(_scheduler.Submit(Request("<User>A<Assistant>Hello!<User>again<Assistant>", "a"), CancellationToken.None));

        await ReadAllAsync(_scheduler.Submit(Request("<User>C<Assistant>", "c"), CancellationToken.None));
        var a = Summary(await ReadAllAsync(_scheduler.Submit(Request("<User>A<Assistant>Hello!<User>again<Assistant>Hello!<User>3<Assistant>", "a"), CancellationToken.None)));
        var b = Summary(await ReadAllAsync(_scheduler.Submit(Request("<User>B<Assistant>Hello!<User>2<Assistant>", "b"), CancellationToken.None)));

        Assert.True(a.ReusedPromptTokens > 0, "conversation a was used most recently and kept its cache");
        Assert.Equal(0, b.ReusedPromptTokens);
    }

    [Fact]
    public async Task A_stop_string_ends_the_answer_and_is_never_shown()
    {
        _backend.Answer = FakeInferenceBackend.Chars("one two<END>three");

        var updates = await ReadAllAsync(_scheduler.Submit(Request("x", stops: "<END>"), CancellationToken.None));

        Assert.Equal("one two", Text(updates));
        Assert.Equal(FinishReason.Stop, Summary(updates).FinishReason);
    }

    [Fact]
    public async Task Max_tokens_ends_the_answer_with_length()
    {
        _backend.Answer = null;

        var updates = await ReadAllAsync(_scheduler.Submit(Request("x", maxTokens: 7), CancellationToken.None));

        Assert.Equal("xxxxxxx", Text(updates));
        Assert.Equal(FinishReason.Length, Summary(updates).FinishReason);
    }

    [Fact]
    public async Task Generation_that_fills_the_sequence_context_ends_with_length()
    {
        await using var small = new SchedulerTests(sequences: 1, context: 32);
        small._backend.Answer = null;

        var updates = await ReadAllAsync(small._scheduler.Submit(Request(new string('p', 20), "kept"), CancellationToken.None));

        var summary = Summary(updates);
        Assert.Equal(FinishReason.Length, summary.FinishReason);
        Assert.Equal(32, small._backend.Kv[0].Count);
        Assert.Equal(13, summary.CompletionTokens);
    }

    [Fact]
    public async Task A_character_split_across_byte_tokens_arrives_whole()
    {
        var euro = "€"u8.ToArray();
        _backend.Answer = [.. euro.Select(b => FakeInferenceBackend.FirstByteToken + b), 'a'];

        var updates = await ReadAllAsync(_scheduler.Submit(Request("x"), CancellationToken.None));

        var deltas = updates.OfType<TextDelta>().Select(d => d.Text).ToList();
        Assert.Equal(["€", "a"], deltas);
        Assert.Equal(4, Summary(updates).CompletionTokens);
    }

    [Fact]
    public async Task A_full_kv_cache_is_recovered_by_freeing_an_idle_conversation()
    {
        await ReadAllAsync(_scheduler.Submit(Request("<User>A<Assistant>", "a"), CancellationToken.None));
        Assert.NotEmpty(_backend.Kv[0]);
        _backend.FailNextDecodes = 1;

        var updates = await ReadAllAsync(_scheduler.Submit(Request("<User>B<Assistant>", "b"), CancellationToken.None));

        Assert.Equal(FinishReason.Stop, Summary(updates).FinishReason);
        Assert.Equal("Hello!", Text(updates));
        Assert.Empty(_backend.Kv[0]);
    }

    [Fact]
    public async Task A_full_kv_cache_with_nothing_to_free_fails_the_request_with_an_error_and_the_engine_goes_on()
    {
        _backend.FailNextDecodes = 1;

        var failed = await ReadAllAsync(_scheduler.Submit(Request("x"), CancellationToken.None));
        var next = await ReadAllAsync(_scheduler.Submit(Request("y"), CancellationToken.None));

        Assert.Equal(FinishReason.Error, Summary(failed).FinishReason);
        Assert.Contains("context memory", Summary(failed).Message, StringComparison.Ordinal);
        Assert.Equal(1, _backend.Resets);
        Assert.Equal("Hello!", Text(next));
    }

    [Fact]
    public async Task Stopping_ends_running_and_waiting_requests_with_the_reason_and_disposes_the_backend()
    {
        await using var single = new SchedulerTests(sequences: 1);
        single._backend.Answer = null;
        var running = single._scheduler.Submit(Request("a"), CancellationToken.None);
        var waiting = single._scheduler.Submit(Request("b"), CancellationToken.None);
        await running.ReadAsync();

        await single._scheduler.StopAsync("The model was switched to other.gguf.");

        foreach (var updates in new[] { await ReadAllAsync(running), await ReadAllAsync(waiting) })
        {
            Assert.Equal(FinishReason.Cancelled, Summary(updates).FinishReason);
            Assert.Equal("The model was switched to other.gguf.", Summary(updates).Message);
        }

        Assert.True(single._backend.Disposed);
        Assert.Throws<ModelNotReadyException>(() => single._scheduler.Submit(Request("c"), CancellationToken.None));
    }

    [Fact]
    public async Task Each_request_samples_with_its_own_settings()
    {
        var cold = new SamplingOptions { Temperature = 0.1f, Seed = 7 };
        var hot = new SamplingOptions { Temperature = 1.5f, TopK = 5 };

        await ReadAllAsync(_scheduler.Submit(Request("a", "one") with { Sampling = cold }, CancellationToken.None));
        await ReadAllAsync(_scheduler.Submit(Request("b", "two") with { Sampling = hot }, CancellationToken.None));

        Assert.Equal(cold, _backend.Samplers[0]);
        Assert.Equal(hot, _backend.Samplers[1]);
    }
    [Fact]
    public async Task A_backend_that_breaks_ends_every_request_with_the_error_and_refuses_later_ones()
    {
        await using var scheduler = CreateScheduler(new FakeInferenceBackend(2, 4096) { BeforeDecode = () => throw new InvalidOperationException("device lost") });

        var updates = await ReadAllAsync(scheduler.Submit(Request("Hi"), CancellationToken.None));
        await scheduler.Completion;

        var summary = Summary(updates);
        Assert.Equal(FinishReason.Error, summary.FinishReason);
        Assert.Equal("The engine failed: device lost", summary.Message);
        Assert.True(scheduler.Failed);
        var refused = Assert.Throws<ModelNotReadyException>(() => scheduler.Submit(Request("Again"), CancellationToken.None));
        Assert.Equal("The engine failed: device lost", refused.Message);
    }
}
