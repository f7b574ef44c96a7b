using System.Text;
using System.Text.Json;

namespace WebChat.Api.OpenAi;

/// <summary>Writes OpenAI's event stream: <c>data: {json}</c> lines, each flushed at once, ended by <c>data: [DONE]</c>.</summary>
public static class ServerSentEvents
{
    private static readonly byte[] Done = Encoding.UTF8.GetBytes("data: [DONE]\n\n");

    public static async Task StartAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        // Reverse proxies such as nginx would otherwise hold tokens back in their buffer.
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync(cancellationToken);
    }

    public static async Task WriteAsync<T>(HttpResponse response, T data, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(data, OpenAiJson.Options);
        var frame = new byte[json.Length + 8];
        "data: "u8.CopyTo(frame);
        json.CopyTo(frame, 6);
        frame[^2] = (byte)'\n';
        frame[^1] = (byte)'\n';
        await response.Body.WriteAsync(frame, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    public static async Task WriteDoneAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Done, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }
}
