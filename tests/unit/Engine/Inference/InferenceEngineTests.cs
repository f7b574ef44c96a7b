using Microsoft.Extensions.Time.Testing;
using WebChat.Engine.Gguf;
using WebChat.Engine.Gguf.Writing;
using WebChat.Engine.Inference;
using WebChat.Tests.Support.Models;
using static WebChat.Tests.Unit.Engine.Inference.RealModel;

namespace WebChat.Tests.Unit.Engine.Inference;

[Collection(RealModelCollection.Name)]
public sealed class InferenceEngineTests
{
    // Long enough that it ends only when cancelled (a random model rarely samples its end token).
    private static ChatRequest Endless() => Ask("Tell me a long story", maxTokens: 400) with { Sampling = new SamplingOptions { Temperature = 1.5f, Seed = 3 } };

    [Fact]
    public async Task Loading_goes_from_empty_through_loading_to_ready_with_progress()
    {
        await using var engine = CreateEngine();
        var seen = new List<EngineStatus>();
        using var subscription = engine.Subscribe(seen.Add);

        await engine.LoadAsync(Load());

        Assert.Equal(EngineState.Loading, seen.First().State);
        Assert.Contains(seen, s => s.State == EngineState.Loading && s.LoadProgress > 0);
        Assert.Equal(EngineState.Ready, engine.Status.State);
        Assert.Equal(TestModels.Tiny, engine.Status.ModelPath);
    }

    [Fact]
    public async Task A_chat_streams_text_and_ends_with_a_summary_of_counts_and_timings()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load());

        var updates = await CollectAsync(engine.StreamChatAsync(Ask("Hello, tell me a story", maxTokens: 12)));

        var summary = Summary(updates);
        Assert.Contains(summary.FinishReason, new[] { FinishReason.Stop, FinishReason.Length });
        Assert.True(summary.PromptTokens > 10, "the templated system and user turns are in the prompt");
        Assert.InRange(summary.CompletionTokens, 1, 12);
        Assert.True(summary.FinishReason == FinishReason.Stop || summary.CompletionTokens == 12);
        Assert.NotEmpty(updates.OfType<TextDelta>());
        Assert.True(summary.TimeToFirstToken > TimeSpan.Zero);
        Assert.True(summary.Duration >= summary.TimeToFirstToken);
        Assert.Equal("model", summary.Template);
        Assert.Equal(0, engine.Status.ActiveSequences);
    }

    [Fact]
    public async Task Cancelling_during_generation_ends_the_stream_within_one_step()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load());
        using var cancel = new CancellationTokenSource();
        var stepsAfterCancel = 0;
        engine.StepCompleted += _ =>
        {
            if (cancel.IsCancellationRequested)
            {
                stepsAfterCancel++;
            }
            else
            {
                // The tiny model writes 400 tokens in a few hundred milliseconds: paced, the answer outlasts a reader slowed by a busy machine.
                Thread.Sleep(10);
            }
        };
        var updates = new List<ChatUpdate>();

        await foreach (var update in engine.StreamChatAsync(Endless(), cancel.Token))
        {
            updates.Add(update);
            if (updates.OfType<TextDelta>().Count() == 3)
            {
                await cancel.CancelAsync();
            }
        }

        var summary = Summary(updates);
        Assert.Equal(FinishReason.Cancelled, summary.FinishReason);
        Assert.InRange(stepsAfterCancel, 0, 1);
        Assert.InRange(summary.CompletionTokens, 3, 399);
    }

    [Fact]
    public async Task Cancelling_during_a_long_prompt_stops_it_within_one_chunk()
    {
        await using var engine = CreateEngine(Options(chunk: 32));
        await engine.LoadAsync(Load(context: 1024));
        using var cancel = new CancellationTokenSource();
        var promptSteps = 0;
        engine.StepCompleted += step =>
        {
            if (step.TotalTokens > 1 && ++promptSteps == 2)
            {
                cancel.Cancel();
            }
        };

        var updates = await CollectAsync(engine.StreamChatAsync(Ask(Words(600)), cancel.Token));

        var summary = Summary(updates);
        Assert.Equal(FinishReason.Cancelled, summary.FinishReason);
        Assert.True(summary.PromptTokens > 32 * 4, "the prompt needed many more chunks than were decoded");
        Assert.Equal(2, promptSteps);
        Assert.Equal(0, summary.CompletionTokens);
    }

    [Fact]
    public async Task Eight_concurrent_requests_all_finish_with_their_own_summaries()
    {
        await using var engine = CreateEngine(Options(queueLimit: 8));
        await engine.LoadAsync(Load(sequences: 4));

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            CollectAsync(engine.StreamChatAsync(Ask($"Question number {i}", maxTokens: 8)))));

        var expectedPrompt = Summary(results[0]).PromptTokens;
        foreach (var updates in results)
        {
            var summary = Summary(updates);
            Assert.Contains(summary.FinishReason, new[] { FinishReason.Stop, FinishReason.Length });
            Assert.True(summary.FinishReason == FinishReason.Stop || summary.CompletionTokens == 8);
            Assert.InRange(summary.PromptTokens, expectedPrompt - 3, expectedPrompt + 3);
            Assert.Single(updates.OfType<ChatSummary>());
        }

        Assert.Contains(results, updates => updates.OfType<QueuePosition>().Any());
        Assert.Equal(0, engine.Status.QueuedRequests);
    }

    [Fact]
    public async Task A_full_queue_answers_busy_at_once()
    {
        await using var engine = CreateEngine(Options(queueLimit: 1));
        await engine.LoadAsync(Load(sequences: 1));
        using var hold = new ManualResetEventSlim();
        engine.StepCompleted += _ => hold.Wait();
        using var stop = new CancellationTokenSource();

        // MoveNextAsync submits synchronously; the held loop keeps both requests in the system.
        var first = engine.StreamChatAsync(Endless(), stop.Token).GetAsyncEnumerator();
        var firstMove = first.MoveNextAsync();
        var second = engine.StreamChatAsync(Endless(), stop.Token).GetAsyncEnumerator();
        var secondMove = second.MoveNextAsync();
        var third = engine.StreamChatAsync(Ask("hi")).GetAsyncEnumerator();

        await Assert.ThrowsAsync<EngineBusyException>(async () => await third.MoveNextAsync());

        hold.Set();
        await stop.CancelAsync();
        await firstMove;
        await secondMove;
        await first.DisposeAsync();
        await second.DisposeAsync();
    }

    [Fact]
    public async Task A_model_without_a_chat_template_answers_through_the_fallback()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load(TestModels.TinyWithoutTemplate));

        var updates = await CollectAsync(engine.StreamChatAsync(Ask("hello", maxTokens: 4)));

        Assert.Equal("chatml", Summary(updates).Template);
        Assert.NotEqual(FinishReason.Error, Summary(updates).FinishReason);
    }

    [Fact]
    public async Task An_unknown_chat_template_is_a_clear_error_not_a_crash()
    {
        var odd = TestModels.Get(TestModels.TinySpec with { Name = "webchat-tiny-odd-template", ChatTemplate = "{{ messages | tojson }} plain" });
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load(odd));

        var error = await Assert.ThrowsAsync<ChatTemplateException>(() => CollectAsync(engine.StreamChatAsync(Ask("hello"))));

        Assert.Contains("template", error.Message, StringComparison.Ordinal);
        Assert.Equal(EngineState.Ready, engine.Status.State);
    }

    [Fact]
    public async Task An_over_long_prompt_is_cut_to_fit_and_still_answered()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load(context: 256));

        var updates = await CollectAsync(engine.StreamChatAsync(Ask(Words(1500), maxTokens: 8)));

        var summary = Summary(updates);
        Assert.NotEqual(FinishReason.Error, summary.FinishReason);
        Assert.InRange(summary.PromptTokens, 100, 256 - 64);
        Assert.Contains("too long", summary.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_long_conversation_drops_its_oldest_turns_after_the_system_prompt()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load(context: 256));
        var turns = new List<ChatTurn> { new(ChatRole.System, "You are terse.") };
        for (var i = 0; i < 12; i++)
        {
            turns.Add(new ChatTurn(ChatRole.User, Words(20)));
            turns.Add(new ChatTurn(ChatRole.Assistant, Words(10)));
        }

        turns.Add(new ChatTurn(ChatRole.User, "hello"));

        var summary = Summary(await CollectAsync(engine.StreamChatAsync(new ChatRequest { Messages = turns, MaxTokens = 4 })));

        Assert.True(summary.DroppedTurns >= 2, $"dropped {summary.DroppedTurns}");
        Assert.Equal(0, summary.DroppedTurns % 2);
        Assert.InRange(summary.PromptTokens, 1, 256 - 64);
        Assert.NotEqual(FinishReason.Error, summary.FinishReason);
    }

    [Fact]
    public async Task A_Q4_K_M_file_with_its_Q4_K_and_Q6_K_weights_loads_and_answers()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load(TestModels.TinyQ4KM));

        var summary = Summary(await CollectAsync(engine.StreamChatAsync(Ask("hello", maxTokens: 4))));

        Assert.Equal(EngineState.Ready, engine.Status.State);
        Assert.Equal(FinishReason.Length, summary.FinishReason);
        Assert.Equal(4, summary.CompletionTokens);
    }

    [Fact]
    public async Task Switching_models_cancels_requests_in_flight_with_the_reason()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load());
        var other = TestModels.TinyOfType(GgmlType.Q8_0);
        Task? loading = null;

        // Switch from inside the loop's step callback, so the request is surely still generating when the switch starts.
        engine.StepCompleted += step => loading ??= step.Number == 3 ? engine.LoadAsync(Load(other)) : null;
        var updates = await CollectAsync(engine.StreamChatAsync(Endless()));
        await loading!;

        var summary = Summary(updates);
        Assert.Equal(FinishReason.Cancelled, summary.FinishReason);
        Assert.Contains("switched", summary.Message, StringComparison.Ordinal);
        Assert.Equal(EngineState.Ready, engine.Status.State);
        Assert.Equal(other, engine.Status.ModelPath);
        Assert.NotEqual(FinishReason.Error, Summary(await CollectAsync(engine.StreamChatAsync(Ask("hello", maxTokens: 2)))).FinishReason);
    }

    [Fact]
    public async Task The_second_turn_of_a_conversation_reuses_the_cached_prompt()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load());
        var first = Ask("hello world", maxTokens: 6, conversation: "c1");
        var firstUpdates = await CollectAsync(engine.StreamChatAsync(first));

        var second = first with
        {
            Messages = [.. first.Messages, new ChatTurn(ChatRole.Assistant, Text(firstUpdates)), new ChatTurn(ChatRole.User, "tell me more")],
        };
        var summary = Summary(await CollectAsync(engine.StreamChatAsync(second)));

        Assert.Equal(0, Summary(firstUpdates).ReusedPromptTokens);
        Assert.True(summary.ReusedPromptTokens >= Summary(firstUpdates).PromptTokens, $"reused {summary.ReusedPromptTokens}");
        Assert.True(summary.ReusedPromptTokens < summary.PromptTokens);
    }

    [Fact]
    public async Task A_model_that_will_not_fit_is_refused_with_the_numbers()
    {
        await using var engine = CreateEngine();

        var error = await Assert.ThrowsAsync<ModelTooLargeException>(() => engine.LoadAsync(Load(sequences: 64, context: 1_000_000)));

        Assert.Contains("Will not fit: needs", error.Message, StringComparison.Ordinal);
        Assert.Contains("KV cache", error.Message, StringComparison.Ordinal);
        Assert.Equal(EngineState.Failed, engine.Status.State);
        Assert.Equal(error.Message, engine.Status.Error);
    }

    [Fact]
    public async Task A_file_that_is_not_a_model_fails_to_load_with_a_typed_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-a-model-{Guid.NewGuid():N}.gguf");
        await File.WriteAllTextAsync(path, "this is not a gguf file");
        try
        {
            await using var engine = CreateEngine();
            await Assert.ThrowsAsync<ModelLoadException>(() => engine.LoadAsync(Load(path)));
            Assert.Equal(EngineState.Failed, engine.Status.State);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Unloading_ends_requests_and_later_chats_are_refused_as_not_ready()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load());

        await engine.UnloadAsync();

        Assert.Equal(EngineState.Empty, engine.Status.State);
        await Assert.ThrowsAsync<ModelNotReadyException>(() => CollectAsync(engine.StreamChatAsync(Ask("hi"))));
    }

    [Fact]
    public async Task An_idle_model_is_unloaded_after_the_keep_alive_and_reloaded_by_the_next_chat()
    {
        var time = new FakeTimeProvider();
        await using var engine = CreateEngine(Options(keepAlive: TimeSpan.FromMinutes(5)), time);
        await engine.LoadAsync(Load());
        var unloaded = new TaskCompletionSource();
        using var subscription = engine.Subscribe(s =>
        {
            if (s.State == EngineState.Empty)
            {
                unloaded.TrySetResult();
            }
        });

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(EngineState.Ready, engine.Status.State);
        time.Advance(TimeSpan.FromMinutes(2));
        await unloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TestModels.Tiny, engine.Status.ModelPath);
        var updates = await CollectAsync(engine.StreamChatAsync(Ask("hello", maxTokens: 2)));
        Assert.NotEqual(FinishReason.Error, Summary(updates).FinishReason);
        Assert.Equal(EngineState.Ready, engine.Status.State);
    }
    [Fact]
    public async Task A_context_that_llama_cpp_refuses_is_a_load_error_and_the_engine_keeps_working()
    {
        // The tiny model's head size (16) is not a multiple of Q8_0's block (32): llama.cpp creates no context.
        await using var engine = CreateEngine();

        var error = await Assert.ThrowsAsync<ModelLoadException>(() => engine.LoadAsync(Load() with { KvCacheType = KvCacheType.Q8_0 }));

        Assert.Contains("Q8_0 KV cache", error.Message, StringComparison.Ordinal);
        Assert.Equal(EngineState.Failed, engine.Status.State);
        await engine.LoadAsync(Load());
        var updates = await CollectAsync(engine.StreamChatAsync(Ask("hello", maxTokens: 2)));
        Assert.NotEqual(FinishReason.Error, Summary(updates).FinishReason);
    }

    [Fact]
    public async Task A_gguf_of_an_architecture_llama_cpp_does_not_know_fails_to_load_with_a_typed_error()
    {
        var spec = TestModels.TinySpec;
        var metadata = LlamaModelWriter.Metadata(spec, SentencePieceVocabulary.Build(spec.VocabularySize, chatTokens: true))
            .Select(entry => entry.Key == "general.architecture" ? new KeyValuePair<string, GgufValue>(entry.Key, GgufValue.String("not-an-architecture")) : entry)
            .ToList();
        var path = Path.Combine(Path.GetTempPath(), $"unknown-architecture-{Guid.NewGuid():N}.gguf");
        using (var file = File.Create(path))
        {
            GgufWriter.Write(file, metadata, LlamaModelWriter.Tensors(spec));
        }

        try
        {
            await using var engine = CreateEngine();
            var error = await Assert.ThrowsAsync<ModelLoadException>(() => engine.LoadAsync(Load(path)));
            Assert.Contains("unsupported architecture", error.Message, StringComparison.Ordinal);
            Assert.Equal(new EngineStatus(EngineState.Failed, path, Path.GetFileNameWithoutExtension(path), Error: error.Message), engine.Status);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Cancelling_a_load_leaves_the_engine_empty_not_loading()
    {
        await using var engine = CreateEngine();
        using var cancel = new CancellationTokenSource();
        using var subscription = engine.Subscribe(s =>
        {
            if (s.State == EngineState.Loading && s.LoadProgress > 0)
            {
                cancel.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.LoadAsync(Load(), cancel.Token));

        Assert.Equal(EngineStatus.Empty, engine.Status);
    }

    [Fact]
    public async Task A_failing_status_subscriber_neither_stops_the_load_nor_the_other_subscribers()
    {
        await using var engine = CreateEngine();
        var seen = new List<EngineState>();
        using var failing = engine.Subscribe(_ => throw new InvalidOperationException("a page that crashed"));
        using var healthy = engine.Subscribe(s => seen.Add(s.State));

        await engine.LoadAsync(Load());

        Assert.Equal(EngineState.Ready, engine.Status.State);
        Assert.Equal(EngineState.Ready, seen[^1]);
    }
    [Fact]
    public async Task Loading_the_serving_model_again_with_the_same_settings_keeps_its_answers_running()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load());
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stream = engine.StreamChatAsync(Endless() with { MaxTokens = 40 }, cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.True(await stream.MoveNextAsync());

        await engine.LoadAsync(Load());

        var updates = new List<ChatUpdate> { stream.Current };
        while (await stream.MoveNextAsync())
        {
            updates.Add(stream.Current);
        }

        await stream.DisposeAsync();
        // A reload would have ended it as Cancelled ("the model was switched").
        Assert.Contains(Summary(updates).FinishReason, new[] { FinishReason.Stop, FinishReason.Length });
        Assert.Equal(EngineState.Ready, engine.Status.State);
    }
    [Fact]
    public async Task When_the_backend_breaks_the_engine_reports_failed_with_the_reason()
    {
        var backend = new FakeInferenceBackend(2, 4096) { BeforeDecode = () => throw new InvalidOperationException("device lost") };
        await using var engine = new InferenceEngine(
            new FixedBackendLoader(backend), Microsoft.Extensions.Options.Options.Create(Options()), TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await engine.LoadAsync(Load());
        var failed = new TaskCompletionSource<EngineStatus>();
        using var subscription = engine.Subscribe(s =>
        {
            if (s.State == EngineState.Failed)
            {
                failed.TrySetResult(s);
            }
        });

        var updates = await CollectAsync(engine.StreamChatAsync(Ask("hello")));

        Assert.Equal(FinishReason.Error, Summary(updates).FinishReason);
        var status = await failed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("The engine failed: device lost", status.Error);
        Assert.Equal(TestModels.Tiny, status.ModelPath);
    }

    /// <summary>Hands the engine a prepared backend, so the engine's reaction to a breaking backend can be seen.</summary>
    private sealed class FixedBackendLoader(IInferenceBackend backend) : IBackendLoader
    {
        public Task<IInferenceBackend> LoadAsync(ModelLoadOptions options, IProgress<double> progress, CancellationToken cancellationToken) => Task.FromResult(backend);
    }
}
