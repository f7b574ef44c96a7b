using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Inference;
using WebChat.Tests.Support.Chat;
using static WebChat.Tests.Unit.Engine.Inference.RealModel;

namespace WebChat.Tests.Unit.Engine.Inference;

[Collection(RealModelCollection.Name)]
public sealed class EngineChatClientTests
{
    [Fact]
    public async Task The_registered_chat_client_answers_through_the_engine_with_usage_and_finish_reason()
    {
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddWebChatInference(o => o.KeepAlive = null)
            .BuildServiceProvider(validateScopes: true);
        await provider.GetRequiredService<IInferenceEngine>().LoadAsync(Load());
        var client = provider.GetRequiredService<IChatClient>();

        var response = await client.GetResponseAsync(
            [new ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "hello world")],
            new ChatOptions { MaxOutputTokens = 5, Seed = 4, Instructions = "Be brief.", ConversationId = "mea-1" });

        Assert.NotNull(response.Usage);
        Assert.True(response.Usage.InputTokenCount > 5);
        Assert.InRange(response.Usage.OutputTokenCount ?? 0, 1, 5);
        Assert.Contains(response.FinishReason, new ChatFinishReason?[] { ChatFinishReason.Stop, ChatFinishReason.Length });
        Assert.Equal("mea-1", response.ConversationId);
        Assert.Same(provider.GetRequiredService<IInferenceEngine>(), client.GetService<IInferenceEngine>());
    }

    [Fact]
    public void Chat_options_become_the_engine_request()
    {
        var request = EngineChatClient.ToRequest(
            [new ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "hi"), new ChatMessage(Microsoft.Extensions.AI.ChatRole.Assistant, "hello")],
            new ChatOptions { Instructions = "sys", MaxOutputTokens = 9, Temperature = 0.2f, TopP = 0.5f, TopK = 3, Seed = 11, StopSequences = ["END"], ConversationId = "k" });

        Assert.Equal([new ChatTurn(WebChat.Engine.Inference.ChatRole.System, "sys"), new ChatTurn(WebChat.Engine.Inference.ChatRole.User, "hi"), new ChatTurn(WebChat.Engine.Inference.ChatRole.Assistant, "hello")], request.Messages);
        Assert.Equal(9, request.MaxTokens);
        Assert.Equal(["END"], request.StopStrings);
        Assert.Equal("k", request.ConversationKey);
        Assert.Equal(new SamplingOptions { Temperature = 0.2f, TopP = 0.5f, TopK = 3, Seed = 11 }, request.Sampling);
    }
    [Fact]
    public async Task An_engine_error_is_thrown_with_the_engines_words()
    {
        using var client = new EngineChatClient(new ReplayEngine(new TextDelta("par"), new ChatSummary { FinishReason = FinishReason.Error, Message = "the model crashed" }));

        var error = await Assert.ThrowsAsync<EngineException>(() => client.GetResponseAsync([new ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "hi")]));

        Assert.Equal("the model crashed", error.Message);
    }

    [Theory]
    [InlineData(FinishReason.Length, "length")]
    [InlineData(FinishReason.Cancelled, "cancelled")]
    [InlineData(FinishReason.Stop, "stop")]
    public async Task The_engines_finish_reason_and_counts_reach_the_response(FinishReason reason, string expected)
    {
        var summary = new ChatSummary { FinishReason = reason, PromptTokens = 12, ReusedPromptTokens = 8, CompletionTokens = 3, Model = "tiny" };
        using var client = new EngineChatClient(new ReplayEngine(new QueuePosition(1), new TextDelta("a"), new TextDelta("b"), summary));

        var response = await client.GetResponseAsync([new ChatMessage(Microsoft.Extensions.AI.ChatRole.User, "hi")]);

        Assert.Equal(expected, response.FinishReason?.Value);
        Assert.Equal("ab", response.Text);
        Assert.Equal((12L, 8L, 3L, 15L), (response.Usage!.InputTokenCount, response.Usage.CachedInputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount));
        Assert.Equal("tiny", response.ModelId);
        Assert.Same(summary, LastSummary(response));
    }

    [Fact]
    public void The_client_describes_itself_with_the_loaded_model_and_offers_no_keyed_or_unrelated_services()
    {
        var engine = new ScriptedInferenceEngine();
        using var client = new EngineChatClient(engine);

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal("webchat-llama.cpp", metadata?.ProviderName);
        Assert.Equal("scripted-model", metadata?.DefaultModelId);
        Assert.Same(client, client.GetService<IChatClient>());
        Assert.Null(client.GetService<IInferenceEngine>(serviceKey: "other"));
        Assert.Null(client.GetService<IServiceProvider>());
    }

    private static ChatSummary? LastSummary(ChatResponse response) =>
        response.AdditionalProperties?.TryGetValue(EngineChatClient.SummaryKey, out var value) == true ? value as ChatSummary : null;

    /// <summary>Replays fixed updates: the adapter's mapping is the subject, the real engine is tested above.</summary>
    private sealed class ReplayEngine(params ChatUpdate[] updates) : IInferenceEngine
    {
        public EngineStatus Status => EngineStatus.Empty;

        public IDisposable Subscribe(Action<EngineStatus> onChange) => throw new NotSupportedException();

        public Task LoadAsync(ModelLoadOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task UnloadAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public async IAsyncEnumerable<ChatUpdate> StreamChatAsync(ChatRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var update in updates)
            {
                await Task.Yield();
                yield return update;
            }
        }
    }
}
