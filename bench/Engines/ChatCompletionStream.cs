using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace WebChat.Bench.Engines;

/// <summary>What one streamed /v1/chat/completions request took, as its client saw it.</summary>
internal sealed record StreamResult(bool Completed, double FirstTokenMs, double LastTokenMs, int ContentChunks, int? CompletionTokens, int? PromptTokens, int? CachedTokens, string? Error)
{
    public int Tokens => CompletionTokens ?? ContentChunks;

    /// <summary>Tokens after the first over the time from the first to the last: decode speed without the prompt.</summary>
    public double DecodeTokensPerSecond => Tokens > 1 && LastTokenMs > FirstTokenMs ? (Tokens - 1) / ((LastTokenMs - FirstTokenMs) / 1000) : 0;
}

/// <summary>
/// A plain streaming OpenAI chat-completions client, the same bytes for llama-server and for WebChat's /v1: request
/// sent → first content chunk, last content chunk, usage (with `prompt_tokens_details.cached_tokens` where the
/// server reports it) and whether the stream ended with a finish reason and [DONE].
/// </summary>
internal static class ChatCompletionStream
{
    public static async Task<StreamResult> RunAsync(HttpClient http, Uri v1, string? key, string model, IReadOnlyList<(string Role, string Content)> messages, int maxTokens, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
            ["max_tokens"] = maxTokens,
            ["messages"] = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(v1, "chat/completions")) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        var started = Stopwatch.GetTimestamp();
        double first = 0, last = 0;
        int chunks = 0;
        int? completion = null, prompt = null, cached = null;
        bool finished = false, done = false;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return new StreamResult(false, 0, 0, 0, null, null, null, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (!line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    continue;
                }

                if (line == "data: [DONE]")
                {
                    done = true;
                    break;
                }

                var chunk = JsonNode.Parse(line.AsSpan(6).ToString())!;
                if (chunk["error"] is { } error)
                {
                    return new StreamResult(false, first, last, chunks, completion, prompt, cached, error.ToJsonString());
                }

                if (chunk["usage"] is JsonObject usage)
                {
                    completion = (int?)usage["completion_tokens"];
                    prompt = (int?)usage["prompt_tokens"];
                    cached = (int?)usage["prompt_tokens_details"]?["cached_tokens"];
                }

                if (chunk["choices"] is JsonArray { Count: > 0 } choices)
                {
                    if (choices[0]?["delta"]?["content"]?.GetValue<string>() is { Length: > 0 })
                    {
                        last = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                        if (chunks++ == 0)
                        {
                            first = last;
                        }
                    }

                    finished |= choices[0]?["finish_reason"] is JsonValue;
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException)
        {
            return new StreamResult(false, first, last, chunks, completion, prompt, cached, e.Message);
        }

        return new StreamResult(finished && done && chunks > 0, first, last, chunks, completion, prompt, cached, finished && done ? null : "the stream did not end with a finish reason and [DONE]");
    }
}
