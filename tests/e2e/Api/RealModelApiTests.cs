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

    // The API offers what the chat offers: the admin makes the model pickable for users.
    private async Task OfferToUsersAsync()
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<WebChatDbContext>>().CreateDbContextAsync();
        await db.InstalledModels.Where(m => m.Id == ChatAppFixture.ModelId).ExecuteUpdateAsync(s => s.SetProperty(m => m.UserSelectable, true));
    }
}
