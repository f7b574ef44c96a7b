using System.Diagnostics;
using WebChat.Engine.Inference;

namespace WebChat.Bench.Inference;

/// <summary>The engine under measurement, with the scenario drivers that talk to it like the app does.</summary>
internal sealed class BenchEngine(InferenceEngine engine, string path) : IAsyncDisposable
{
    private static readonly SamplingOptions Sampling = new() { Seed = 7 };

    public int[] Tokens(string text)
    {
        using var weights = LLama.LLamaWeights.LoadFromFile(new LLama.Common.ModelParams(path) { VocabOnly = true });
        return Array.ConvertAll(weights.NativeHandle.Tokenize(text, false, true, System.Text.Encoding.UTF8), t => (int)t);
    }

    /// <summary>The tokens the engine decodes for the chat the throughput drivers send, so baselines decode the same prompt.</summary>
    public Task<int[]> StoryPromptTokensAsync() => engine.PromptTokensAsync(StoryRequest(0, 1));

    /// <summary>W concurrent chats of the same short prompt, each generating exactly <paramref name="tokens"/>; completion tokens per wall second.</summary>
    public async Task<double> AggregateTokensPerSecondAsync(int width, int tokens)
    {
        var clock = Stopwatch.StartNew();
        var summaries = await Task.WhenAll(Enumerable.Range(0, width).Select(i => LastAsync(engine.StreamChatAsync(StoryRequest(i, tokens)))));
        var seconds = clock.Elapsed.TotalSeconds;
        return summaries.Sum(s => s.CompletionTokens) / seconds;
    }

    private static ChatRequest StoryRequest(int index, int tokens) => new()
    {
        Messages = [new ChatTurn(ChatRole.User, "Hello, please tell me a short story about a cat.")],
        MaxTokens = tokens,
        Sampling = Sampling with { Seed = 7 + (uint)index },
    };

    /// <summary>Plain words that tokenize to about <paramref name="tokens"/> tokens.</summary>
    public string TextOfAbout(int tokens)
    {
        const string sentence = "the cat and the dog went up the hill";
        var perSentence = Tokens(" " + sentence).Length;
        return string.Join(' ', Enumerable.Repeat(sentence, tokens / perSentence));
    }

    /// <summary>
    /// Starts a long prompt and, once two chunks are decoded, cancels from another thread half a chunk's time later,
    /// so the cancel lands in the middle of a decode as a person's click would; seconds from cancel to the summary.
    /// </summary>
    public async Task<(double Seconds, int PromptTokens)> CancelLatencyAsync(string text)
    {
        using var cancel = new CancellationTokenSource();
        var cancelledAt = 0L;
        var lastStepAt = Stopwatch.GetTimestamp();
        var steps = 0;
        void OnStep(SchedulerStep step)
        {
            var now = Stopwatch.GetTimestamp();
            var stepTime = Stopwatch.GetElapsedTime(lastStepAt, now);
            lastStepAt = now;
            if (++steps == 2)
            {
                _ = Task.Run(async () =>
                {
                    await Task.Delay(stepTime / 2);
                    cancelledAt = Stopwatch.GetTimestamp();
                    await cancel.CancelAsync();
                });
            }
        }

        engine.StepCompleted += OnStep;
        try
        {
            var summary = await LastAsync(engine.StreamChatAsync(new ChatRequest { Messages = [new ChatTurn(ChatRole.User, text)], MaxTokens = 4 }, cancel.Token));
            if (summary.FinishReason != FinishReason.Cancelled)
            {
                throw new InvalidOperationException($"Expected a cancelled summary, got {summary.FinishReason}.");
            }

            return (Stopwatch.GetElapsedTime(cancelledAt).TotalSeconds, summary.PromptTokens);
        }
        finally
        {
            engine.StepCompleted -= OnStep;
        }
    }

    /// <summary>The system prompt of <see cref="TurnTimesAsync"/>'s conversation.</summary>
    public const string TurnSystemPrompt = "You are a helpful assistant who answers briefly.";

    /// <summary>The user's message at a turn of <see cref="TurnTimesAsync"/>'s conversation.</summary>
    public static string TurnQuestion(int turn) => $"Question {turn}: please tell me one more thing about the cat, the dog and the little red house on the hill.";

    /// <summary>Time to first token of one request whose prompt is <paramref name="text"/> (one answer token): the prefill, seen as a person sees it.</summary>
    public async Task<(double Seconds, int PromptTokens)> PrefillAsync(string text)
    {
        var summary = await LastAsync(engine.StreamChatAsync(PrefillRequest(text)));
        return (summary.TimeToFirstToken.TotalSeconds, summary.PromptTokens);
    }

    /// <summary>The tokens <see cref="PrefillAsync"/> decodes for <paramref name="text"/>, for the baselines.</summary>
    public Task<int[]> PrefillTokensAsync(string text) => engine.PromptTokensAsync(PrefillRequest(text));

    private static ChatRequest PrefillRequest(string text) => new()
    {
        Messages = [new ChatTurn(ChatRole.User, text)], MaxTokens = 1, Sampling = Sampling,
    };

    /// <summary>A growing conversation: time to first token of each turn (the app sends the whole history every turn).</summary>
    public async Task<InferenceBench.TurnTimes> TurnTimesAsync(string? conversationKey, int turns)
    {
        var history = new List<ChatTurn> { new(ChatRole.System, TurnSystemPrompt) };
        var times = new List<double>();
        for (var turn = 1; turn <= turns; turn++)
        {
            history.Add(new ChatTurn(ChatRole.User, TurnQuestion(turn)));
            var answer = new System.Text.StringBuilder();
            ChatSummary? summary = null;
            await foreach (var update in engine.StreamChatAsync(new ChatRequest { Messages = [.. history], MaxTokens = 24, ConversationKey = conversationKey, Sampling = Sampling }))
            {
                if (update is TextDelta delta)
                {
                    answer.Append(delta.Text);
                }
                else if (update is ChatSummary last)
                {
                    summary = last;
                }
            }

            times.Add(summary!.TimeToFirstToken.TotalSeconds);
            history.Add(new ChatTurn(ChatRole.Assistant, answer.ToString()));
        }

        return new InferenceBench.TurnTimes(times);
    }

    private static async Task<ChatSummary> LastAsync(IAsyncEnumerable<ChatUpdate> stream)
    {
        ChatSummary? summary = null;
        await foreach (var update in stream)
        {
            summary = update as ChatSummary ?? summary;
        }

        return summary ?? throw new InvalidOperationException("The stream ended without a summary.");
    }

    public ValueTask DisposeAsync() => engine.DisposeAsync();
}
