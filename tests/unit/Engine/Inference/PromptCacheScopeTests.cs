using WebChat.Engine.Inference;
using static WebChat.Tests.Unit.Engine.Inference.RealModel;

namespace WebChat.Tests.Unit.Engine.Inference;

/// <summary>Requests without a conversation reuse the KV cache of an idle sequence of their own cache scope, on the real tiny model.</summary>
[Collection(RealModelCollection.Name)]
public sealed class PromptCacheScopeTests
{
    // Greedy, so an answer depends only on the prompt's logits: any difference the reused cache made would show.
    private static ChatRequest Scoped(string question, string? scope, int maxTokens = 12) => Ask(question, maxTokens) with
    {
        CacheScope = scope,
        Sampling = new SamplingOptions { Temperature = 0, Seed = 7 },
    };

    [Fact]
    public async Task A_repeated_prompt_of_the_same_scope_reuses_all_but_its_last_token_and_answers_the_same()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load());
        var question = Words(40);

        var unscoped = await CollectAsync(engine.StreamChatAsync(Scoped(question, scope: null)));
        var first = await CollectAsync(engine.StreamChatAsync(Scoped(question, "user:a")));
        var second = await CollectAsync(engine.StreamChatAsync(Scoped(question, "user:a")));

        Assert.Equal(0, Summary(unscoped).ReusedPromptTokens);
        Assert.Equal(0, Summary(first).ReusedPromptTokens);
        Assert.Equal(Summary(second).PromptTokens - 1, Summary(second).ReusedPromptTokens);
        Assert.NotEmpty(Text(first));
        Assert.Equal(Text(unscoped), Text(first));
        Assert.Equal(Text(first), Text(second));
    }

    [Fact]
    public async Task A_longer_prompt_of_the_same_scope_reuses_the_common_prefix_and_answers_as_a_cold_one_does()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load());
        var history = Words(30);
        var followUp = Scoped(history, "user:a") with
        {
            Messages = [.. Scoped(history, "user:a").Messages, new ChatTurn(ChatRole.Assistant, "world"), new ChatTurn(ChatRole.User, "the hello")],
        };

        var cold = await CollectAsync(engine.StreamChatAsync(followUp with { CacheScope = null }));
        await CollectAsync(engine.StreamChatAsync(Scoped(history, "user:a")));
        var warm = await CollectAsync(engine.StreamChatAsync(followUp));

        var reused = Summary(warm).ReusedPromptTokens;
        Assert.InRange(reused, 30, Summary(warm).PromptTokens - 2);
        Assert.Equal(Text(cold), Text(warm));
    }

    [Fact]
    public async Task Another_scopes_identical_prompt_gets_no_cached_tokens()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load());
        var question = Words(40);
        await CollectAsync(engine.StreamChatAsync(Scoped(question, "user:a")));

        var other = await CollectAsync(engine.StreamChatAsync(Scoped(question, "user:b")));
        var own = await CollectAsync(engine.StreamChatAsync(Scoped(question, "user:a")));

        Assert.Equal(0, Summary(other).ReusedPromptTokens);
        Assert.True(Summary(own).ReusedPromptTokens > 0, "user a's own sequence was still idle with its prompt");
    }

    [Fact]
    public async Task A_request_without_a_scope_leaves_nothing_cached_for_the_next_one()
    {
        await using var engine = CreateEngine();
        await engine.LoadAsync(Load());
        var question = Words(20);

        await CollectAsync(engine.StreamChatAsync(Scoped(question, scope: null)));
        var again = await CollectAsync(engine.StreamChatAsync(Scoped(question, scope: null)));

        Assert.Equal(0, Summary(again).ReusedPromptTokens);
    }
}
