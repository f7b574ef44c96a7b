using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenAI.Chat;
using WebChat.Configuration;
using WebChat.Data;
using WebChat.Data.Entities;
using WebChat.Engine.Inference;
using WebChat.Services.Models;
using WebChat.Tests.E2E.Chat;

namespace WebChat.Tests.E2E.Api;

/// <summary>The API on the real engine (LLamaSharp, the generated tiny model), read by the official .NET SDK.</summary>
public sealed class RealModelApiTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    [Fact]
    public async Task The_dotnet_sdk_streams_real_tokens_with_a_finish_reason_and_usage_from_the_engine()
    {
        var options = app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value;
        await app.Services.GetRequiredService<IInferenceEngine>()
            .LoadAsync(ModelLibrary.LoadOptionsFor(Path.Combine(options.ModelsDirectory, "local", "webchat-tiny.gguf")));
        await OfferToUsersAsync();
        var user = await app.CreateUserWithKeyAsync();
        var client = OpenAiSdkTests.DotnetClient(app, user.Key, ChatAppFixture.ModelId);
        var text = new StringBuilder();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Tell me a story")], new ChatCompletionOptions { MaxOutputTokenCount = 12 }))
        {
            text.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        ChatCompletion whole = await client.CompleteChatAsync([new UserChatMessage("Again")], new ChatCompletionOptions { MaxOutputTokenCount = 5 });

        // Random weights: the text is noise, but the engine decides the counts and the reason.
        Assert.NotEmpty(text.ToString());
        Assert.NotNull(usage);
        Assert.InRange(usage.OutputTokenCount, 1, 12);
        Assert.True(usage.InputTokenCount > 3, "the templated prompt has several tokens");
        Assert.True(finish == ChatFinishReason.Length || (finish == ChatFinishReason.Stop && usage.OutputTokenCount < 12));
        Assert.InRange(whole.Usage.OutputTokenCount, 1, 5);
        var records = await app.UsageOfAsync(user.UserId);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(UsageSource.Api, r.Source));
        Assert.Equal(usage.OutputTokenCount, records[0].CompletionTokens);
    }

    [Fact]
    public async Task A_user_resending_a_prompt_gets_cached_tokens_and_the_same_answer_while_another_user_gets_none()
    {
        var options = app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value;
        await app.Services.GetRequiredService<IInferenceEngine>()
            .LoadAsync(ModelLibrary.LoadOptionsFor(Path.Combine(options.ModelsDirectory, "local", "webchat-tiny.gguf")));
        await OfferToUsersAsync();
        var first = await app.CreateUserWithKeyAsync();
        var second = await app.CreateUserWithKeyAsync();
        using var firstClient = app.ApiClient(first.Key);
        using var secondClient = app.ApiClient(second.Key);
        // A long shared system prompt, as agents and editors resend on every call; greedy so the answer depends on the prompt alone.
        var body = $$"""
            {"model":"{{ChatAppFixture.ModelId}}","max_tokens":6,"temperature":0,"seed":5,
             "messages":[{"role":"system","content":"{{string.Join(' ', Enumerable.Repeat("hello world the", 20))}} {{Guid.NewGuid():N}}"},
                         {"role":"user","content":"tell me more"}]}
            """;

        var cold = await CompleteAsync(firstClient, body);
        var warm = await CompleteAsync(firstClient, body);
        var stranger = await CompleteAsync(secondClient, body);

        Assert.Equal(0, cold.Cached);
        Assert.Equal(warm.Prompt - 1, warm.Cached);
        Assert.Equal(cold.Text, warm.Text);
        Assert.Equal(0, stranger.Cached);
        Assert.Equal(cold.Text, stranger.Text);
    }

    private static async Task<(string Text, int Prompt, int Cached)> CompleteAsync(HttpClient client, string body)
    {
        using var response = await ApiWire.PostJsonAsync(client, "chat/completions", body);
        Assert.Equal(200, (int)response.StatusCode);
        var json = await ApiWire.ReadJsonAsync(response);
        var usage = json.GetProperty("usage");
        return (json.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString() ?? "",
            usage.GetProperty("prompt_tokens").GetInt32(),
            usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
    }

    // The API offers what the chat offers: the admin makes the model pickable for users.
    private async Task OfferToUsersAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        await db.InstalledModels.Where(m => m.Id == ChatAppFixture.ModelId).ExecuteUpdateAsync(s => s.SetProperty(m => m.UserSelectable, true));
    }
}
