using System.Diagnostics;
using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.Engine.Inference;

public sealed class PromptFitterTests
{
    // The fake's template is "<Role>content" per turn plus "<Assistant>", one token per character.
    private static readonly FakeInferenceBackend Backend = new(sequences: 1, contextPerSequence: 200);

    private static ChatRequest Conversation(int exchanges, int userLength = 20)
    {
        var turns = new List<ChatTurn> { new(ChatRole.System, "sys") };
        for (var i = 0; i < exchanges; i++)
        {
            turns.Add(new ChatTurn(ChatRole.User, new string((char)('a' + i), userLength)));
            turns.Add(new ChatTurn(ChatRole.Assistant, "ok"));
        }

        turns.Add(new ChatTurn(ChatRole.User, "last"));
        return new ChatRequest { Messages = turns };
    }

    [Fact]
    public void A_conversation_that_fits_is_templated_whole()
    {
        var request = Conversation(exchanges: 1);

        var prepared = PromptFitter.Prepare(request, Backend, minAnswerTokens: 50);

        Assert.Equal(Backend.ApplyTemplate(request.Messages).Length, prepared.PromptTokens.Length);
        Assert.Equal(0, prepared.DroppedTurns);
        Assert.Null(prepared.FitNote);
        Assert.Equal("fake-template", prepared.Template);
    }

    [Fact]
    public void The_oldest_exchanges_after_the_system_prompt_are_dropped_until_the_prompt_leaves_room_to_answer()
    {
        var prepared = PromptFitter.Prepare(Conversation(exchanges: 8), Backend, minAnswerTokens: 50);

        var text = new string(prepared.PromptTokens.Select(t => (char)t).ToArray());
        Assert.True(prepared.PromptTokens.Length <= 150, $"{prepared.PromptTokens.Length} tokens");
        Assert.StartsWith("<System>sys<User>", text, StringComparison.Ordinal);
        Assert.EndsWith("<User>last<Assistant>", text, StringComparison.Ordinal);
        Assert.DoesNotContain("aaaa", text, StringComparison.Ordinal);
        Assert.Contains("hhhh", text, StringComparison.Ordinal);
        Assert.Equal(0, prepared.DroppedTurns % 2);
        Assert.Contains($"{prepared.DroppedTurns} older turns", prepared.FitNote, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_turn_longer_than_the_context_keeps_its_start_token_and_its_end()
    {
        var request = new ChatRequest { Messages = [new ChatTurn(ChatRole.User, "S" + new string('x', 500) + "END")] };

        var prepared = PromptFitter.Prepare(request, Backend, minAnswerTokens: 50);

        var text = new string(prepared.PromptTokens.Select(t => (char)t).ToArray());
        Assert.Equal(150, prepared.PromptTokens.Length);
        Assert.StartsWith("<", text, StringComparison.Ordinal);
        Assert.EndsWith("END<Assistant>", text, StringComparison.Ordinal);
        Assert.Contains("too long", prepared.FitNote, StringComparison.Ordinal);
    }

    [Fact]
    public void A_request_without_messages_is_refused()
    {
        Assert.Throws<ArgumentException>(() => PromptFitter.Prepare(new ChatRequest { Messages = [] }, Backend, 50));
    }

    [Fact]
    public void A_request_for_no_answer_tokens_is_refused()
    {
        var request = new ChatRequest { Messages = [new ChatTurn(ChatRole.User, "hi")], MaxTokens = 0 };

        Assert.Throws<ArgumentOutOfRangeException>(() => PromptFitter.Prepare(request, Backend, 50));
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(8, 20)]
    [InlineData(30, 1)]
    [InlineData(12, 37)]
    public void The_kept_history_is_the_longest_one_that_fits_as_dropping_one_exchange_at_a_time_would_find(int exchanges, int userLength)
    {
        var request = Conversation(exchanges, userLength);

        var prepared = PromptFitter.Prepare(request, Backend, minAnswerTokens: 50);

        Assert.Equal(ReferenceDropped(request, limit: 150), prepared.DroppedTurns);
    }

    [Fact]
    public void Fifty_thousand_turns_are_fitted_in_short_model_calls_well_under_a_second_in_all()
    {
        var backend = new FakeInferenceBackend(sequences: 1, contextPerSequence: 4096);
        var model = new TimedModel(backend);
        var request = Conversation(exchanges: 25_000, userLength: 8);

        var prepared = PromptFitter.Prepare(request, model, minAnswerTokens: 256, CancellationToken.None);

        Assert.True(model.Total < TimeSpan.FromSeconds(1), $"the model was held {model.Total.TotalMilliseconds:F0} ms in all");
        Assert.True(model.Longest < TimeSpan.FromMilliseconds(200), $"the longest single hold was {model.Longest.TotalMilliseconds:F0} ms");
        var text = new string(prepared.PromptTokens.Select(t => (char)t).ToArray());
        Assert.StartsWith("<System>sys<User>", text, StringComparison.Ordinal);
        Assert.EndsWith("<User>last<Assistant>", text, StringComparison.Ordinal);
        Assert.InRange(prepared.PromptTokens.Length, 3840 - 30, 3840);
        Assert.True(prepared.DroppedTurns > 49_000);
    }

    [Fact]
    public void Stopping_during_fitting_ends_it_at_the_next_model_call()
    {
        using var stop = new CancellationTokenSource();
        var model = new TimedModel(new FakeInferenceBackend(sequences: 1, contextPerSequence: 4096)) { OnCall = calls => { if (calls == 100) { stop.Cancel(); } } };
        var request = Conversation(exchanges: 25_000, userLength: 8);

        Assert.ThrowsAny<OperationCanceledException>(() => PromptFitter.Prepare(request, model, minAnswerTokens: 256, stop.Token));

        Assert.InRange(model.Calls, 100, 101);
    }

    // What the fitter did before it counted: drop the oldest exchange, template and tokenize everything again.
    private static int ReferenceDropped(ChatRequest request, int limit)
    {
        var system = request.Messages.TakeWhile(t => t.Role == ChatRole.System).ToList();
        var rest = request.Messages.Skip(system.Count).ToList();
        var dropped = 0;
        while (rest.Count > 1 && Backend.Tokenize(Backend.ApplyTemplate([.. system, .. rest])).Length > limit)
        {
            var remove = 1;
            while (remove < rest.Count - 1 && rest[remove].Role != ChatRole.User)
            {
                remove++;
            }

            rest.RemoveRange(0, remove);
            dropped += remove;
        }

        return dropped;
    }

    /// <summary>Lends the backend as the scheduler does, timing every hold.</summary>
    private sealed class TimedModel(IInferenceBackend backend) : IModelUser
    {
        public TimeSpan Total { get; private set; }
        public TimeSpan Longest { get; private set; }
        public int Calls { get; private set; }
        public Action<int>? OnCall { get; init; }

        public T UseModel<T>(Func<IInferenceBackend, T> work)
        {
            OnCall?.Invoke(++Calls);
            var started = Stopwatch.GetTimestamp();
            try
            {
                return work(backend);
            }
            finally
            {
                var held = Stopwatch.GetElapsedTime(started);
                Total += held;
                Longest = held > Longest ? held : Longest;
            }
        }
    }
}
