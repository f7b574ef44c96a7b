using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WebChat.Data;
using WebChat.Data.Entities;

namespace WebChat.Tests.E2E.Api;

/// <summary>The /v1 wire format, byte for byte where clients depend on it, against the real app (scripted engine).</summary>
public sealed class OpenAiWireFormatTests : IClassFixture<ApiAppFixture>
{
    private static readonly string[] HelloWorld = ["Hello", ", ", "world", "!"];
    private readonly ApiAppFixture app;

    public OpenAiWireFormatTests(ApiAppFixture app)
    {
        this.app = app;
        app.ResetEngine();
    }

    [Fact]
    public async Task A_streamed_chat_completion_sends_the_role_first_one_id_a_finish_chunk_usage_and_done()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);

        var events = await ApiWire.StreamAsync(client, "chat/completions", ApiWire.ChatBody(stream: true, includeUsage: true));

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.StartsWith("chatcmpl-", chunks[0].GetProperty("id").GetString());
        Assert.All(chunks, c => Assert.Equal(ApiAppFixture.ModelId, c.GetProperty("model").GetString()));

        var first = chunks[0].GetProperty("choices")[0];
        Assert.Equal("assistant", first.GetProperty("delta").GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("finish_reason").ValueKind);

        var withChoices = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0).ToList();
        var text = string.Concat(withChoices.Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Select(d => d.TryGetProperty("content", out var content) ? content.GetString() : ""));
        Assert.Equal("Hello, world!", text);
        Assert.All(withChoices.Skip(1), c => Assert.False(c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("role", out _)));

        var finish = withChoices[^1].GetProperty("choices")[0];
        Assert.Equal("stop", finish.GetProperty("finish_reason").GetString());
        Assert.Single(withChoices, c => c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind == JsonValueKind.String);

        var usageChunk = chunks[^1];
        Assert.Equal(0, usageChunk.GetProperty("choices").GetArrayLength());
        var usage = usageChunk.GetProperty("usage");
        Assert.Equal(12, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(4, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(16, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task A_stream_without_include_usage_sends_no_usage_chunk()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);

        var events = await ApiWire.StreamAsync(client, "chat/completions", ApiWire.ChatBody(stream: true));

        Assert.Equal("[DONE]", events[^1]);
        Assert.All(events[..^1], e => Assert.False(JsonDocument.Parse(e).RootElement.TryGetProperty("usage", out _)));
        Assert.Equal("stop", JsonDocument.Parse(events[^2]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task A_whole_chat_completion_has_the_message_the_finish_reason_and_usage_and_creates_no_conversation()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);
        app.Engine.Script = request => HelloWorld.Take(request.MaxTokens);

        using var response = await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: false, extra: ",\"max_tokens\":3"));

        Assert.Equal(200, (int)response.StatusCode);
        var body = await ApiWire.ReadJsonAsync(response);
        Assert.Equal("chat.completion", body.GetProperty("object").GetString());
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("Hello, world", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(3, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        var record = Assert.Single(await app.UsageOfAsync(user.UserId));
        Assert.Equal(UsageSource.Api, record.Source);
        Assert.Equal(user.KeyId, record.ApiKeyId);
        Assert.Null(record.ConversationId);
        Assert.Equal("Length", record.FinishReason);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WebChatDbContext>();
        Assert.False(await db.Conversations.AnyAsync(c => c.UserId == user.UserId));
    }

    [Fact]
    public async Task Sampling_fields_reach_the_engine()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);
        var body = """
            {"model":"scripted","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi "},{"type":"text","text":"there"}]}],
             "temperature":0.2,"top_p":0.5,"max_completion_tokens":7,"stop":["END","STOP"],"seed":42,"n":1}
            """;

        using var response = await ApiWire.PostJsonAsync(client, "chat/completions", body);

        Assert.Equal(200, (int)response.StatusCode);
        var request = app.Engine.Requests[^1];
        Assert.Equal(["Be brief.", "Hi there"], request.Messages.Select(m => m.Content));
        Assert.Equal(0.2f, request.Sampling.Temperature);
        Assert.Equal(0.5f, request.Sampling.TopP);
        Assert.Equal(42u, request.Sampling.Seed);
        Assert.Equal(7, request.MaxTokens);
        Assert.Equal(["END", "STOP"], request.StopStrings);
    }

    [Fact]
    public async Task Completions_answer_a_plain_prompt_whole_and_streamed()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);

        using var whole = await ApiWire.PostJsonAsync(client, "completions", $$"""{"model":"{{ApiAppFixture.ModelId}}","prompt":"def add(a, b):","max_tokens":16}""");
        var events = await ApiWire.StreamAsync(client, "completions",
            $$$"""{"model":"{{{ApiAppFixture.ModelId}}}","prompt":["def add(a, b):"],"stream":true,"stream_options":{"include_usage":true} }""");

        Assert.Equal(200, (int)whole.StatusCode);
        var body = await ApiWire.ReadJsonAsync(whole);
        Assert.Equal("text_completion", body.GetProperty("object").GetString());
        Assert.Equal("Hello, world!", body.GetProperty("choices")[0].GetProperty("text").GetString());
        Assert.Equal("stop", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(4, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.Equal("Hello, world!", string.Concat(chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("text").GetString())));
        Assert.Equal(4, chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Models_lists_the_installed_models()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);

        using var response = await client.GetAsync("models");

        var body = await ApiWire.ReadJsonAsync(response);
        Assert.Equal("list", body.GetProperty("object").GetString());
        var model = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal(ApiAppFixture.ModelId, model.GetProperty("id").GetString());
        Assert.Equal("model", model.GetProperty("object").GetString());
        Assert.True(model.GetProperty("created").GetInt64() > 1_700_000_000);
    }
}
