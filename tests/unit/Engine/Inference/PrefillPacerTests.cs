using WebChat.Engine.Inference;

namespace WebChat.Tests.Unit.Engine.Inference;

public sealed class PrefillPacerTests
{
    private static PrefillPacer Pacer() =>
        new(new InferenceOptions { PrefillChunkTokens = 256, PrefillStepBudget = TimeSpan.FromMilliseconds(250) });

    [Fact]
    public void Before_any_measurement_and_with_nothing_streaming_a_step_takes_the_full_chunk()
    {
        var pacer = Pacer();
        Assert.Equal(256, pacer.ChunkTokens(streamingTokens: 3));

        pacer.Learn(tokens: 256, TimeSpan.FromSeconds(2.56)); // 10 ms a token: 25 fit the budget

        Assert.Equal(256, pacer.ChunkTokens(streamingTokens: 0));
        Assert.Equal(25, pacer.ChunkTokens(streamingTokens: 3));
    }

    [Fact]
    public void The_chunk_stays_between_16_tokens_and_the_configured_chunk()
    {
        var slow = Pacer();
        slow.Learn(tokens: 100, TimeSpan.FromSeconds(100));
        var fast = Pacer();
        fast.Learn(tokens: 100, TimeSpan.FromMilliseconds(1));

        Assert.Equal(16, slow.ChunkTokens(streamingTokens: 1));
        Assert.Equal(256, fast.ChunkTokens(streamingTokens: 1));
    }

    [Fact]
    public void Single_token_steps_teach_nothing_and_later_steps_are_averaged_in()
    {
        var pacer = Pacer();
        pacer.Learn(tokens: 1, TimeSpan.FromSeconds(5));
        Assert.Equal(256, pacer.ChunkTokens(streamingTokens: 1));

        pacer.Learn(tokens: 100, TimeSpan.FromSeconds(1)); // 10 ms a token
        pacer.Learn(tokens: 100, TimeSpan.FromSeconds(0.5)); // 5 ms: the estimate becomes 7.5 ms

        Assert.Equal(33, pacer.ChunkTokens(streamingTokens: 1));
    }
}
