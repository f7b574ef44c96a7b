using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Engine.Inference;
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
}
