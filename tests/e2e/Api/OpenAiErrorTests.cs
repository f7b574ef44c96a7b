using System.Text;
using WebChat.Engine.Inference;

namespace WebChat.Tests.E2E.Api;

/// <summary>Every /v1 error status in OpenAI's shape; bad input is never a 500 and never shows a stack trace.</summary>
public sealed class OpenAiErrorTests : IClassFixture<ApiAppFixture>
{
    private readonly ApiAppFixture app;

    public OpenAiErrorTests(ApiAppFixture app)
    {
        this.app = app;
        app.ResetEngine();
    }

    public static TheoryData<string, string?> BadBodies => new()
    {
        { "{not json", null },
        { "[]", null },
        { "", null },
        { """{"model":"local/scripted.gguf","messages":[{"role":"user","content":"hi"}],"temperature":"hot"}""", "temperature" },
        { """{"model":"local/scripted.gguf","messages":"hi"}""", "messages" },
        { """{"model":"local/scripted.gguf","messages":[]}""", "messages" },
        { """{"model":"local/scripted.gguf"}""", "messages" },
        { """{"messages":[{"role":"user","content":"hi"}]}""", "model" },
        { """{"model":"local/scripted.gguf","messages":[{"role":"user","content":"hi"}],"n":2}""", "n" },
        { """{"model":"local/scripted.gguf","messages":[{"role":"user","content":"hi"}],"temperature":3}""", "temperature" },
        { """{"model":"local/scripted.gguf","messages":[{"role":"user","content":"hi"}],"max_tokens":0}""", "max_tokens" },
        { """{"model":"local/scripted.gguf","messages":[{"role":"user","content":"hi"}],"stop":[1,2]}""", "stop" },
        { """{"model":"local/scripted.gguf","messages":[{"role":"user","content":"hi"}],"stop":["a","b","c","d","e"]}""", "stop" },
        { $$"""{"model":"local/scripted.gguf","messages":[{"role":"user","content":"hi"}],"stop":"{{new string('x', 100_000)}}"}""", "stop" },
        { $$"""{"model":"local/scripted.gguf","messages":[{"role":"user","content":"hi"}],"stop":["ok","{{new string('x', 201)}}"]}""", "stop" },
        { """{"model":"local/scripted.gguf","messages":[{"role":"wizard","content":"hi"}]}""", "messages[0].role" },
        { """{"model":"local/scripted.gguf","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", "messages[0].content" },
        { """{"model":"local/scripted.gguf","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", "stream" },
        { """{"model":"local/scripted.gguf","messages":[{"role":"user","content":"hi"}],"seed":1.5}""", "seed" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_400_in_the_OpenAI_shape_naming_the_field(string body, string? param)
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);
        var engineRequests = app.Engine.Requests.Count;

        using var response = await ApiWire.PostJsonAsync(client, "chat/completions", body);

        var error = await ApiWire.AssertErrorAsync(response, 400);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Equal(engineRequests, app.Engine.Requests.Count);
    }

    [Fact]
    public async Task An_unknown_model_is_a_404()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);

        using var response = await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: true, model: "gpt-4o"));

        var error = await ApiWire.AssertErrorAsync(response, 404);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);
        var huge = new string('x', 5 * 1024 * 1024);

        using var response = await ApiWire.PostJsonAsync(client, "chat/completions",
            $$"""{"model":"local/scripted.gguf","messages":[{"role":"user","content":"{{huge}}"}]}""");

        await ApiWire.AssertErrorAsync(response, 413);
    }

    [Fact]
    public async Task A_busy_engine_is_a_429_with_retry_after()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);
        app.Engine.FailOnRequest = new EngineBusyException(32);

        using var response = await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: true));

        var error = await ApiWire.AssertErrorAsync(response, 429);
        Assert.Equal("server_busy", error.GetProperty("code").GetString());
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_model_that_is_not_ready_is_a_503_with_retry_after()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);
        app.Engine.FailOnRequest = new ModelNotReadyException("The model is still loading.");

        using var response = await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: false));

        var error = await ApiWire.AssertErrorAsync(response, 503);
        Assert.Equal("The model is still loading.", error.GetProperty("message").GetString());
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task An_engine_crash_mid_stream_ends_the_stream_with_an_error_event_not_a_broken_connection()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);
        app.Engine.CrashAfterTokens = 2;
        try
        {
            using var whole = await ApiWire.PostJsonAsync(client, "chat/completions", ApiWire.ChatBody(stream: false));
            var events = await ApiWire.StreamAsync(client, "chat/completions", ApiWire.ChatBody(stream: true));

            var error = await ApiWire.AssertErrorAsync(whole, 500);
            Assert.Equal("server_error", error.GetProperty("type").GetString());
            Assert.Equal("[DONE]", events[^1]);
            Assert.Contains("\"error\"", events[^2], StringComparison.Ordinal);
        }
        finally
        {
            app.Engine.CrashAfterTokens = null;
        }
    }

    [Fact]
    public async Task An_unknown_path_under_v1_is_a_404_in_the_OpenAI_shape()
    {
        var user = await app.CreateUserWithKeyAsync();
        using var client = app.ApiClient(user.Key);

        using var response = await client.GetAsync("audio/voices");

        await ApiWire.AssertErrorAsync(response, 404);
    }
}
