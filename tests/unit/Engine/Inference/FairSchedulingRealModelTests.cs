using WebChat.Engine.Inference;
using static WebChat.Tests.Unit.Engine.Inference.RealModel;

namespace WebChat.Tests.Unit.Engine.Inference;

[Collection(RealModelCollection.Name)]
public sealed class FairSchedulingRealModelTests
{
    [Fact]
    public async Task On_the_real_engine_a_light_users_request_starts_before_the_heavy_users_queued_ones()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load(sequences: 1));
        var share = new UserShare(Running: 1, Queued: 4);
        var heavy = Enumerable.Range(0, 3)
            .Select(i => Ask("Heavy question " + new string('x', i), maxTokens: 4) with { UserKey = "heavy", Share = share })
            .ToList();
        var light = Ask("A light question that is clearly longer than the others", maxTokens: 4) with { UserKey = "light", Share = share };

        // Each start decodes its whole prompt in one step (no conversation key, so no reuse): the steps with more
        // than one token tell, by their size, which request got the sequence.
        var prefills = new List<int>();
        using var hold = new ManualResetEventSlim();
        engine.StepCompleted += step =>
        {
            if (step.TotalTokens > 1)
            {
                prefills.Add(step.TotalTokens);
            }

            hold.Wait();
        };
        using var stopFirst = new CancellationTokenSource();
        var streams = new List<Task<List<ChatUpdate>>> { CollectAsync(engine.StreamChatAsync(heavy[0] with { MaxTokens = 400 }, stopFirst.Token)) };
        await WaitUntilAsync(() => prefills.Count == 1);
        streams.Add(CollectAsync(engine.StreamChatAsync(heavy[1])));
        streams.Add(CollectAsync(engine.StreamChatAsync(heavy[2])));
        streams.Add(CollectAsync(engine.StreamChatAsync(light)));
        await WaitUntilAsync(() => engine.Status.QueuedRequests == 3);

        await stopFirst.CancelAsync();
        hold.Set();
        var results = await Task.WhenAll(streams);

        var promptSizes = results.Select(r => Summary(r).PromptTokens).ToArray();
        Assert.Equal(4, promptSizes.Distinct().Count());
        Assert.Equal([promptSizes[0], promptSizes[3], promptSizes[1], promptSizes[2]], prefills);
        Assert.All(results.Skip(1), r => Assert.Contains(Summary(r).FinishReason, new[] { FinishReason.Stop, FinishReason.Length }));
    }

    [Fact]
    public async Task A_conversation_of_fifty_thousand_turns_is_fitted_in_well_under_a_second_and_answered()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load(sequences: 1, context: 512));
        var turns = new List<ChatTurn> { new(ChatRole.System, "You are terse.") };
        for (var i = 0; i < 25_000; i++)
        {
            turns.Add(new ChatTurn(ChatRole.User, "hello world " + i));
            turns.Add(new ChatTurn(ChatRole.Assistant, "the world"));
        }

        turns.Add(new ChatTurn(ChatRole.User, "last question"));
        var request = new ChatRequest { Messages = turns, MaxTokens = 4 };
        await engine.PromptTokensAsync(Ask("warm up"));

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var prompt = await engine.PromptTokensAsync(request);
        var fitting = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        var updates = await CollectAsync(engine.StreamChatAsync(request));

        Assert.True(fitting < TimeSpan.FromSeconds(1), $"fitting took {fitting.TotalMilliseconds:F0} ms");
        Assert.InRange(prompt.Length, 300, 512 - 64);
        var summary = Summary(updates);
        Assert.True(summary.DroppedTurns > 49_000, $"{summary.DroppedTurns} turns dropped");
        Assert.Contains(summary.FinishReason, new[] { FinishReason.Stop, FinishReason.Length });
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the engine");
            await Task.Delay(5);
        }
    }
}
