using System.ClientModel;
using System.Text;
using System.Text.Json;
using OpenAI;
using OpenAI.Chat;

namespace WebChat.Tests.E2E.Api;

/// <summary>
/// Conformance with clients nobody here wrote: the official OpenAI .NET SDK (strict generated parsers: a field of the
/// wrong shape throws) and the official `openai` npm package, whole and streamed, against the real app.
/// </summary>
public sealed class OpenAiSdkTests : IClassFixture<ApiAppFixture>
{
    private readonly ApiAppFixture app;

    public OpenAiSdkTests(ApiAppFixture app)
    {
        this.app = app;
        app.ResetEngine();
    }

    [Fact]
    public async Task The_dotnet_sdk_reads_a_whole_answer_with_finish_reason_and_usage()
    {
        var user = await app.CreateUserWithKeyAsync();
        var client = DotnetClient(app, user.Key, ApiAppFixture.ModelId);

        ChatCompletion completion = await client.CompleteChatAsync([new UserChatMessage("Say hello")]);

        Assert.Equal("Hello, world!", completion.Content.Single().Text);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(ApiAppFixture.ModelId, completion.Model);
        Assert.Equal((12, 4, 16), (completion.Usage.InputTokenCount, completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount));
    }

    [Fact]
    public async Task The_dotnet_sdk_reads_a_stream_with_finish_reason_and_usage()
    {
        var user = await app.CreateUserWithKeyAsync();
        var client = DotnetClient(app, user.Key, ApiAppFixture.ModelId);
        var text = new StringBuilder();
        var ids = new HashSet<string>();
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;

        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Say hello")], new ChatCompletionOptions { MaxOutputTokenCount = 100 }))
        {
            ids.Add(update.CompletionId);
            text.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.Equal("Hello, world!", text.ToString());
        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.Single(ids);
        Assert.NotNull(usage);
        Assert.Equal((12, 4), (usage.InputTokenCount, usage.OutputTokenCount));
    }

    [Fact]
    public async Task The_dotnet_sdk_sees_401_and_404_as_its_own_errors()
    {
        var user = await app.CreateUserWithKeyAsync();

        var wrongKey = await Assert.ThrowsAsync<ClientResultException>(() => DotnetClient(app, "wc-wrong", ApiAppFixture.ModelId).CompleteChatAsync([new UserChatMessage("hi")]));
        var wrongModel = await Assert.ThrowsAsync<ClientResultException>(() => DotnetClient(app, user.Key, "gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, wrongKey.Status);
        Assert.Equal(404, wrongModel.Status);
        Assert.Contains("does not exist", wrongModel.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openai_npm_package_reads_whole_and_streamed_answers_completions_and_models()
    {
        var user = await app.CreateUserWithKeyAsync();

        var output = await NodeOpenAi.RunAsync("openai-conformance.mjs", new Dictionary<string, string>
        {
            ["BASE_URL"] = new Uri(app.BaseAddress, "v1").ToString(),
            ["API_KEY"] = user.Key,
            ["MODEL"] = ApiAppFixture.ModelId,
        });

        var seen = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        var whole = seen.GetProperty("whole");
        Assert.Equal("Hello, world!", whole.GetProperty("text").GetString());
        Assert.Equal("stop", whole.GetProperty("finish").GetString());
        Assert.Equal(16, whole.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        var stream = seen.GetProperty("stream");
        Assert.Equal("Hello, world!", stream.GetProperty("text").GetString());
        Assert.Equal("stop", stream.GetProperty("finish").GetString());
        Assert.Equal("assistant", stream.GetProperty("firstRole").GetString());
        Assert.Equal(1, stream.GetProperty("ids").GetInt32());
        Assert.Equal(4, stream.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        var completion = seen.GetProperty("completion");
        Assert.Equal("Hello, world!", completion.GetProperty("text").GetString());
        Assert.Equal("stop", completion.GetProperty("finish").GetString());
        Assert.Equal(12, completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal([ApiAppFixture.ModelId], seen.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(401, seen.GetProperty("wrongKeyStatus").GetInt32());
    }

    internal static ChatClient DotnetClient(Infrastructure.WebChatAppFixture app, string key, string model) =>
        new(model, new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(app.BaseAddress, "v1"), RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(0) });
}
