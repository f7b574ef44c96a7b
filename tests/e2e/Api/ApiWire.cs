using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace WebChat.Tests.E2E.Api;

/// <summary>Raw HTTP helpers for /v1 tests: JSON posts and a server-sent-events reader that keeps every data line.</summary>
internal static class ApiWire
{
    public static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string path, string json, CancellationToken cancellationToken = default) =>
        client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

    public static string ChatBody(bool stream, bool includeUsage = false, string model = ApiAppFixture.ModelId, string extra = "") =>
        $$"""
        {"model":"{{model}}","messages":[{"role":"user","content":"Say hello"}],"stream":{{(stream ? "true" : "false")}}
        {{(includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "")}}{{extra}}}
        """;

    /// <summary>Posts a streaming request and returns the data of every event, in order ("[DONE]" included).</summary>
    public static async Task<List<string>> StreamAsync(HttpClient client, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return await ReadEventsAsync(await response.Content.ReadAsStreamAsync()).ToListAsync();
    }

    public static async IAsyncEnumerable<string> ReadEventsAsync(Stream stream)
    {
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                yield return line["data: ".Length..];
            }
            else
            {
                Assert.Equal("", line); // Only data lines and the blank lines between events.
            }
        }
    }

    /// <summary>Asserts the OpenAI error shape and status, and returns the error object.</summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()));
        Assert.True(error.TryGetProperty("param", out _), "param is present (null when none)");
        Assert.True(error.TryGetProperty("code", out _), "code is present (null when none)");
        Assert.DoesNotContain(" at WebChat.", text, StringComparison.Ordinal); // no stack trace
        return error;
    }

    public static Task<JsonElement> ReadJsonAsync(HttpResponseMessage response) =>
        response.Content.ReadFromJsonAsync<JsonElement>();
}
